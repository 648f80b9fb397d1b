/**
 * What happened: the {@link dev.mandate.server.journal.Journal} writes a change's audit entry and live
 * event in the change's transaction, and records refusals; the event log hands committed events, in
 * commit order, to the operator streams. Capabilities hold a journal; only {@code live} reads events back.
 */
package dev.mandate.server.journal;
