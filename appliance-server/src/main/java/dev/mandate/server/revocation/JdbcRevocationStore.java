package dev.mandate.server.revocation;

import dev.mandate.server.storage.Database;

import java.util.List;

/** The {@code revocations} table: the entries in force, and the feed of them in order. */
final class JdbcRevocationStore {

    /** Inserts an entry; its seq (the feed's order). */
    long insert(Database.Tx tx, String level, String target, long revokedAt, long expiresAt) {
        return tx.insertReturningKey("INSERT INTO revocations (level, target, revoked_at, expires_at) VALUES (?, ?, ?, ?)",
                level, target, revokedAt, expiresAt);
    }

    int deleteExpired(Database.Tx tx, long now) {
        return tx.update("DELETE FROM revocations WHERE expires_at <= ?", now);
    }

    /** An entry still in force: what it matches and until when. */
    record InForce(String level, String target, long expiresAt) {
    }

    List<InForce> inForce(Database.Tx tx, long now) {
        return tx.list("SELECT level, target, expires_at FROM revocations WHERE expires_at > ?",
                rs -> new InForce(rs.getString(1), rs.getString(2), rs.getLong(3)), now);
    }

    long latest(Database.Tx tx) {
        return tx.first("SELECT COALESCE(MAX(seq), 0) FROM revocations", rs -> rs.getLong(1)).orElse(0L);
    }

    /** One entry of the feed. */
    record Entry(long seq, String level, String target, long revokedAt, long expiresAt) {
    }

    List<Entry> feed(Database.Tx tx, long since, int limit) {
        return tx.list("SELECT seq, level, target, revoked_at, expires_at FROM revocations WHERE seq > ? ORDER BY seq LIMIT ?",
                rs -> new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5)), since, limit);
    }
}
