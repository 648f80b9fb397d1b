package dev.mandate.server.storage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The {@code cluster_lock} row: the write lock every batch on a shared database takes first. */
final class JdbcClusterLockStore {

    private JdbcClusterLockStore() {
    }

    /** Takes the lock (held until the transaction ends); the batch number, one more than the last batch's. */
    static long take(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("UPDATE cluster_lock SET batch = batch + 1 WHERE id = 1 RETURNING batch")) {
            if (!rs.next()) {
                throw new SQLException("the cluster_lock row is missing");
            }
            return rs.getLong(1);
        }
    }
}
