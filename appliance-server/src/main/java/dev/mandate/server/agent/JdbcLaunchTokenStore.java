package dev.mandate.server.agent;

import dev.mandate.server.scope.Scopes;
import dev.mandate.server.storage.Database;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Optional;

/** The {@code launch_tokens} table, keyed by the SHA-256 of the token. */
final class JdbcLaunchTokenStore {

    void insert(Database.Tx tx, String tokenHash, LaunchPolicy p, String createdBy, long createdAt, long expiresAt)
            throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("""
                INSERT INTO launch_tokens (token_hash, agent_name, allowed_scope, max_ttl, single_use, created_by, app_id,
                                           created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            ps.setString(1, tokenHash);
            ps.setString(2, p.agentName());
            ps.setString(3, String.join(" ", p.allowedScope().strings()));
            ps.setInt(4, p.maxTtl());
            ps.setBoolean(5, p.singleUse());
            ps.setString(6, createdBy);
            ps.setString(7, p.appId());
            ps.setLong(8, createdAt);
            ps.setLong(9, expiresAt);
            ps.executeUpdate();
        }
    }

    /**
     * The policy of a launch token that is unexpired and unconsumed at {@code now}, and whose app (if an app
     * issued it) is still active, locked for this transaction: an app's launch tokens die with the app.
     */
    Optional<LaunchPolicy> usable(Database.Tx tx, String tokenHash, long now) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("""
                SELECT agent_name, allowed_scope, max_ttl, single_use, app_id FROM launch_tokens
                WHERE token_hash = ? AND expires_at > ? AND consumed_at IS NULL
                  AND (app_id IS NULL OR app_id IN (SELECT app_id FROM apps WHERE status = 'active'))
                FOR UPDATE""")) {
            ps.setString(1, tokenHash);
            ps.setLong(2, now);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new LaunchPolicy(rs.getString(1),
                        Scopes.trusted(Arrays.asList(rs.getString(2).split(" "))), rs.getInt(3), rs.getBoolean(4),
                        rs.getString(5)));
            }
        }
    }

    void consume(Database.Tx tx, String tokenHash, long now) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "UPDATE launch_tokens SET consumed_at = ? WHERE token_hash = ?")) {
            ps.setLong(1, now);
            ps.setString(2, tokenHash);
            ps.executeUpdate();
        }
    }
}
