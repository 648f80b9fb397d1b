package dev.mandate.server.cluster;

import dev.mandate.server.storage.Database;
import dev.mandate.server.storage.StorageException;

import java.util.List;

/**
 * The {@code cluster_nodes} and {@code cluster_changes} tables (the LISTEN connection is
 * {@link JdbcChangeListener}'s). Times are the database server's clock (epoch millis), so nodes
 * on hosts whose clocks differ still agree on whose heartbeat has lapsed.
 */
final class JdbcClusterStore {

    static final String CHANNEL = "mandate_changes";
    /** The transaction's start on the server's clock: no later than anything the transaction reads. */
    private static final String TX_START_MILLIS = "CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT)";
    /** The server's clock now. */
    private static final String CLOCK_MILLIS = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";

    long latestChange(Database.Tx tx) {
        return tx.first("SELECT COALESCE(MAX(seq), 0) FROM cluster_changes", rs -> rs.getLong(1)).orElse(0L);
    }

    /** Records a change every node must apply, and wakes the nodes listening; its sequence number. */
    long announce(Database.Tx tx, String nodeId) {
        long seq = tx.insertReturningKey("INSERT INTO cluster_changes (node_id, at_millis) VALUES (?, "
                + TX_START_MILLIS + ")", nodeId);
        // Delivered when the transaction commits, and only then.
        tx.first("SELECT pg_notify('" + CHANNEL + "', '')", rs -> Boolean.TRUE);
        return seq;
    }

    /** This node's heartbeat: the transaction's start, and what it has applied by then; false when the row is gone. */
    boolean beat(Database.Tx tx, String nodeId, long applied) {
        return tx.update("UPDATE cluster_nodes SET heartbeat_millis = " + TX_START_MILLIS + ", applied_seq = ? WHERE node_id = ?",
                applied, nodeId) == 1;
    }

    void register(Database.Tx tx, String nodeId, String name, long applied, long boundMillis) {
        tx.update("INSERT INTO cluster_nodes (node_id, name, started_millis, applied_seq, heartbeat_millis, bound_millis)"
                + " VALUES (?, ?, " + TX_START_MILLIS + ", ?, " + TX_START_MILLIS + ", ?)", nodeId, name, applied, boundMillis);
    }

    void leave(Database.Tx tx, String nodeId) {
        tx.update("DELETE FROM cluster_nodes WHERE node_id = ?", nodeId);
    }

    /** How many other nodes have not confirmed a change, and the longest staleness bound of any node. */
    record Behind(long nodes, long longestBoundMillis) {
    }

    /** Nodes other than {@code nodeId} that have not applied {@code seq} and whose heartbeat is younger than their bound. */
    Behind behind(Database.Tx tx, String nodeId, long seq) {
        return tx.first("SELECT COUNT(CASE WHEN node_id <> ? AND applied_seq < ? AND heartbeat_millis > " + CLOCK_MILLIS
                + " - bound_millis THEN 1 END), COALESCE(MAX(bound_millis), 0) FROM cluster_nodes",
                rs -> new Behind(rs.getLong(1), rs.getLong(2)), nodeId, seq).orElse(new Behind(0, 0));
    }

    /** A node as the cluster sees it: how long ago its heartbeat was, by the database's clock. */
    record Row(String nodeId, String name, long appliedSeq, long ageMillis, long boundMillis) {
    }

    List<Row> nodes(Database.Tx tx) {
        return tx.list("SELECT node_id, name, applied_seq, " + CLOCK_MILLIS + " - heartbeat_millis, bound_millis"
                + " FROM cluster_nodes ORDER BY name, node_id",
                rs -> new Row(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
    }

    /** Forgets nodes silent for {@code nodeMillis} and feed entries older than {@code changeMillis}. */
    int prune(Database.Tx tx, long nodeMillis, long changeMillis) {
        return tx.update("DELETE FROM cluster_nodes WHERE heartbeat_millis < " + TX_START_MILLIS + " - ?", nodeMillis)
                + tx.update("DELETE FROM cluster_changes WHERE at_millis < " + TX_START_MILLIS + " - ?"
                + " AND seq < (SELECT MAX(seq) FROM cluster_changes)", changeMillis);
    }
}
