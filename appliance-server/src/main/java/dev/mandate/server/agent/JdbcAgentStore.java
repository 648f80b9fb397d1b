package dev.mandate.server.agent;

import dev.mandate.server.storage.Database;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** The {@code agents} table. */
final class JdbcAgentStore {

    record Row(String agentId, String orchId, String taskId, String appId, String agentName, String publicKey,
               String scope, long registeredAt, long lifetimeEndsAt) {
    }

    void insert(Database.Tx tx, Row r) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("""
                INSERT INTO agents (agent_id, orch_id, task_id, app_id, agent_name, public_key, scope, registered_at,
                                    lifetime_ends_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            ps.setString(1, r.agentId());
            ps.setString(2, r.orchId());
            ps.setString(3, r.taskId());
            ps.setString(4, r.appId());
            ps.setString(5, r.agentName());
            ps.setString(6, r.publicKey());
            ps.setString(7, r.scope());
            ps.setLong(8, r.registeredAt());
            ps.setLong(9, r.lifetimeEndsAt());
            ps.executeUpdate();
        }
    }

    /** Empty for an unknown agent; else whether it was revoked. */
    Optional<Boolean> revoked(Database.Tx tx, String agentId) {
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT revoked_at FROM agents WHERE agent_id = ?")) {
            ps.setString(1, agentId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                rs.getLong(1);
                return Optional.of(!rs.wasNull());
            }
        } catch (SQLException e) {
            throw new dev.mandate.server.storage.StorageException(e);
        }
    }

    /** When the agent's absolute lifetime ends; empty for an unknown or revoked agent. */
    Optional<Instant> lifetimeEnd(Database.Tx tx, String agentId) {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "SELECT lifetime_ends_at FROM agents WHERE agent_id = ? AND revoked_at IS NULL")) {
            ps.setString(1, agentId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(Instant.ofEpochSecond(rs.getLong(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new dev.mandate.server.storage.StorageException(e);
        }
    }
}
