/**
 * The broker's database: H2 in file mode under the data directory, or a PostgreSQL server that several
 * brokers may share; one schema by versioned migrations for both.
 *
 * <p>Guarantees: every state change runs in a write transaction, committed in batches by one writer, that
 * also appends its audit events, so the audit hash chain is linear; a change is on the device (H2: the
 * file's fdatasync; PostgreSQL: its synchronous commit) before its response is sent; reads run
 * concurrently on pooled connections. On a shared database every batch of every node first takes the
 * cluster's write lock, so batches of all nodes commit one after another.
 */
package dev.mandate.server.storage;
