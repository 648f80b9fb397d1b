package dev.mandate.server.agent;

import dev.mandate.server.storage.Database;

import java.util.Optional;

/** The {@code challenge_key} and {@code spent_nonces} tables: what registration challenges share across nodes. */
final class JdbcNonceStore {

    /** The challenge key, hex; inserts {@code candidate} first if the database has none yet. */
    String key(Database.Tx tx, String candidate) {
        Optional<String> stored = tx.first("SELECT mac_key FROM challenge_key WHERE id = 1", rs -> rs.getString(1));
        if (stored.isPresent()) {
            return stored.get();
        }
        tx.update("INSERT INTO challenge_key (id, mac_key) VALUES (1, ?)", candidate);
        return candidate;
    }

    /**
     * Records the nonce as spent; false if it already was. Read then insert is atomic here: every write
     * transaction runs alone on its node's writer and, on a shared database, under the cluster's write lock.
     */
    boolean spend(Database.Tx tx, long nonceId, long expiresAt) {
        if (tx.first("SELECT 1 FROM spent_nonces WHERE nonce_id = ?", rs -> true, nonceId).isPresent()) {
            return false;
        }
        tx.update("INSERT INTO spent_nonces (nonce_id, expires_at) VALUES (?, ?)", nonceId, expiresAt);
        return true;
    }

    int prune(Database.Tx tx, long now) {
        return tx.update("DELETE FROM spent_nonces WHERE expires_at <= ?", now);
    }
}
