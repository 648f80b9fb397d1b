/**
 * H2 in file mode under the data directory, schema by versioned migrations.
 *
 * <p>Guarantees: every state change runs in one serialized write transaction that also appends its
 * audit events, so the audit hash chain is linear and a change is on disk (H2 {@code WRITE_DELAY=0})
 * before its response is sent; reads run concurrently on pooled connections.
 */
package dev.mandate.server.storage;
