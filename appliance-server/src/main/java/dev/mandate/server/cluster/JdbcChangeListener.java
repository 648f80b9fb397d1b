package dev.mandate.server.cluster;

import dev.mandate.server.storage.Database;
import dev.mandate.server.storage.StorageException;
import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A connection of the node's own that LISTENs on the change channel, so the node hears at once that another
 * committed a change. Only an accelerator: a node that misses a notification catches up at its next beat.
 */
final class JdbcChangeListener implements AutoCloseable {

    private final Database db;
    private volatile Connection listening;

    JdbcChangeListener(Database db) {
        this.db = db;
    }

    /** Waits up to {@code millis} for a notification; connects (and LISTENs) first when not connected. */
    void await(int millis) {
        try {
            Connection c = listening;
            if (c == null) {
                c = db.dedicatedConnection();
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + JdbcClusterStore.CHANNEL);
                }
                listening = c;
            }
            c.unwrap(PGConnection.class).getNotifications(millis);
        } catch (SQLException e) {
            close();
            throw new StorageException(e);
        }
    }

    /** Drops the connection (a waiting {@link #await} returns with a failure); the next call connects again. */
    @Override
    public void close() {
        Connection c = listening;
        listening = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // Gone already.
            }
        }
    }
}
