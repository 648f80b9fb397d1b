package dev.mandate.server.revocation;

import dev.mandate.server.storage.Database;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a revocation reaches, read from the {@code tokens} and {@code agents} tables, and the feed of
 * entries from {@code revocations}.
 */
final class JdbcRevocationStore {

    /** A renewal chain longer than this cannot exist within token.max-lifetime's renewals; a bound on the walk. */
    private static final int MAX_SUCCESSION = 100_000;

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

    /** One entry of the feed. */
    record Entry(long seq, String level, String target, long revokedAt, long expiresAt) {
    }

    /** A token's expiry (epoch seconds), if the broker issued it. */
    Optional<Long> expiresAt(Database.Tx tx, String jti) {
        return tx.first("SELECT expires_at FROM tokens WHERE jti = ?", rs -> rs.getLong(1), jti);
    }

    /** The root agent of a token's tree, if the broker issued it. */
    Optional<String> rootOf(Database.Tx tx, String jti) {
        return tx.first("SELECT root_agent FROM tokens WHERE jti = ?", rs -> rs.getString(1), jti);
    }

    /** Every token (live or not) ever issued to {@code agent}. */
    Set<String> tokensOf(Database.Tx tx, String agent) {
        return new LinkedHashSet<>(tx.list("SELECT jti FROM tokens WHERE sub = ?", rs -> rs.getString(1), agent));
    }

    /** The roots of every tree holding a token whose subject is {@code agent}. */
    Set<String> treesOf(Database.Tx tx, String agent) {
        return new LinkedHashSet<>(tx.list("SELECT DISTINCT root_agent FROM tokens WHERE sub = ?", rs -> rs.getString(1), agent));
    }

    /** {@code jti} and every token that renewed it, transitively, in order. */
    List<String> succession(Database.Tx tx, String jti) {
        List<String> jtis = new ArrayList<>();
        for (String next = jti; next != null && jtis.size() < MAX_SUCCESSION; ) {
            jtis.add(next);
            next = tx.first("SELECT jti FROM tokens WHERE supersedes = ?", rs -> rs.getString(1), next).orElse(null);
        }
        return jtis;
    }

    /** Every token signed by {@code kid} that expires after {@code since}. */
    List<String> unexpiredSignedBy(Database.Tx tx, String kid, long since) {
        return tx.list("SELECT jti FROM tokens WHERE kid = ? AND expires_at > ?", rs -> rs.getString(1), kid, since);
    }

    /** Marks an active token revoked, so no issuing transaction accepts it again. */
    void markTokenRevoked(Database.Tx tx, String jti, long now) {
        tx.update("UPDATE tokens SET state = 'revoked', state_at = ? WHERE jti = ? AND state = 'active'", now, jti);
    }

    /** True when {@code agentId} is a registered agent (admin and app subjects never are). */
    boolean isAgent(Database.Tx tx, String agentId) {
        return tx.first("SELECT 1 FROM agents WHERE agent_id = ?", rs -> true, agentId).isPresent();
    }

    /** Marks the agent revoked for good: no renewal, delegation or delegation to it. */
    void markAgentRevoked(Database.Tx tx, String agent, long now) {
        tx.update("UPDATE agents SET revoked_at = ? WHERE agent_id = ? AND revoked_at IS NULL", now, agent);
    }

    List<Entry> feed(Database.Tx tx, long since, int limit) {
        return tx.list("SELECT seq, level, target, revoked_at, expires_at FROM revocations WHERE seq > ? ORDER BY seq LIMIT ?",
                rs -> new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5)), since, limit);
    }
}
