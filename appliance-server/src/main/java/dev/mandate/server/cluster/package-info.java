/**
 * Several brokers on one PostgreSQL database (issue 14): each node's row (heartbeat, what it has applied),
 * the change feed every node applies, and whether this node may answer from memory.
 *
 * <p>Guarantees: a change that must reach every node ({@code Tx.propagate()}: revocation entries, app
 * status, signing keys, the admin secret) is acknowledged only once every node with a fresh heartbeat
 * has applied it; a node applies what others committed at the start of each of its write batches (under
 * the cluster-wide write lock) and at least every quarter of the staleness bound; a node that cannot show
 * it is current within the bound answers validation with 503, never with a stale "valid".
 */
package dev.mandate.server.cluster;
