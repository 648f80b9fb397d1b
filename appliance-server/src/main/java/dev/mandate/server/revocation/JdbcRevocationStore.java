package dev.mandate.server.revocation;

import dev.mandate.server.storage.Database;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "INSERT INTO revocations (level, target, revoked_at, expires_at) VALUES (?, ?, ?, ?)",
                java.sql.Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, level);
            ps.setString(2, target);
            ps.setLong(3, revokedAt);
            ps.setLong(4, expiresAt);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        } catch (SQLException e) {
            throw new dev.mandate.server.storage.StorageException(e);
        }
    }

    int deleteExpired(Database.Tx tx, long now) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("DELETE FROM revocations WHERE expires_at <= ?")) {
            ps.setLong(1, now);
            return ps.executeUpdate();
        }
    }

    /** An entry still in force: what it matches and until when. */
    record InForce(String level, String target, long expiresAt) {
    }

    List<InForce> inForce(Database.Tx tx, long now) throws SQLException {
        List<InForce> entries = new ArrayList<>();
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "SELECT level, target, expires_at FROM revocations WHERE expires_at > ?")) {
            ps.setLong(1, now);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.add(new InForce(rs.getString(1), rs.getString(2), rs.getLong(3)));
                }
            }
        }
        return entries;
    }

    /** One entry of the feed. */
    record Entry(long seq, String level, String target, long revokedAt, long expiresAt) {
    }

    /** A token's expiry (epoch seconds), if the broker issued it. */
    Optional<Long> expiresAt(Database.Tx tx, String jti) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT expires_at FROM tokens WHERE jti = ?")) {
            ps.setString(1, jti);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    /** The root agent of a token's tree, if the broker issued it. */
    Optional<String> rootOf(Database.Tx tx, String jti) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT root_agent FROM tokens WHERE jti = ?")) {
            ps.setString(1, jti);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** Every token (live or not) ever issued to {@code agent}. */
    Set<String> tokensOf(Database.Tx tx, String agent) throws SQLException {
        Set<String> jtis = new LinkedHashSet<>();
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT jti FROM tokens WHERE sub = ?")) {
            ps.setString(1, agent);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    jtis.add(rs.getString(1));
                }
            }
        }
        return jtis;
    }

    /** The roots of every tree holding a token whose subject is {@code agent}. */
    Set<String> treesOf(Database.Tx tx, String agent) throws SQLException {
        Set<String> roots = new LinkedHashSet<>();
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT DISTINCT root_agent FROM tokens WHERE sub = ?")) {
            ps.setString(1, agent);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    roots.add(rs.getString(1));
                }
            }
        }
        return roots;
    }

    /** {@code jti} and every token that renewed it, transitively, in order. */
    List<String> succession(Database.Tx tx, String jti) throws SQLException {
        List<String> jtis = new ArrayList<>();
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT jti FROM tokens WHERE supersedes = ?")) {
            for (String next = jti; next != null && jtis.size() < MAX_SUCCESSION; ) {
                jtis.add(next);
                ps.setString(1, next);
                try (ResultSet rs = ps.executeQuery()) {
                    next = rs.next() ? rs.getString(1) : null;
                }
            }
        }
        return jtis;
    }

    /** Every token signed by {@code kid} that expires after {@code since}. */
    List<String> unexpiredSignedBy(Database.Tx tx, String kid, long since) throws SQLException {
        List<String> jtis = new ArrayList<>();
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT jti FROM tokens WHERE kid = ? AND expires_at > ?")) {
            ps.setString(1, kid);
            ps.setLong(2, since);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    jtis.add(rs.getString(1));
                }
            }
        }
        return jtis;
    }

    /** Marks an active token revoked, so no issuing transaction accepts it again. */
    void markTokenRevoked(Database.Tx tx, String jti, long now) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "UPDATE tokens SET state = 'revoked', state_at = ? WHERE jti = ? AND state = 'active'")) {
            ps.setLong(1, now);
            ps.setString(2, jti);
            ps.executeUpdate();
        }
    }

    /** True when {@code agentId} is a registered agent (admin and app subjects never are). */
    boolean isAgent(Database.Tx tx, String agentId) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT 1 FROM agents WHERE agent_id = ?")) {
            ps.setString(1, agentId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Marks the agent revoked for good: no renewal, delegation or delegation to it. */
    void markAgentRevoked(Database.Tx tx, String agent, long now) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "UPDATE agents SET revoked_at = ? WHERE agent_id = ? AND revoked_at IS NULL")) {
            ps.setLong(1, now);
            ps.setString(2, agent);
            ps.executeUpdate();
        }
    }

    List<Entry> feed(Database.Tx tx, long since, int limit) throws SQLException {
        List<Entry> entries = new ArrayList<>();
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "SELECT seq, level, target, revoked_at, expires_at FROM revocations WHERE seq > ? ORDER BY seq LIMIT ?")) {
            ps.setLong(1, since);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.add(new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5)));
                }
            }
        }
        return entries;
    }

}
