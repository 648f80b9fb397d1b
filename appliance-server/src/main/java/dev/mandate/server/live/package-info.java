/**
 * The live view for operators: lifecycle events as a resumable Server-Sent Events stream.
 *
 * <p>Guarantees: an event is written in the same transaction as the change it reports and gets a
 * sequence number in commit order, so a client that resumes with {@code Last-Event-ID} after a broker
 * restart sees every retained event once; each client has a bounded queue and is dropped, not
 * buffered without end, when it cannot keep up; a comment line goes out at least every 15 s.
 */
package dev.mandate.server.live;

import dev.mandate.server.journal.Event;