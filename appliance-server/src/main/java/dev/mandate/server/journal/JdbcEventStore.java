package dev.mandate.server.journal;

import dev.mandate.server.storage.Database;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * The {@code events} table: the live events operators stream, in commit order ({@code seq}). Each type's
 * facts go into the columns that name them; the others stay null.
 */
final class JdbcEventStore {

    private static final String INSERT = """
            INSERT INTO events (event_type, at_millis, agent_id, jti, task_id, orch_id, level, target, count, kid)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    /** Inserts {@code event} as of {@code at}; its seq. */
    long insert(Database.Tx tx, Event event, Instant at) {
        long millis = at.toEpochMilli();
        return switch (event) {
            case Event.AgentRegistered e -> tx.insertReturningKey(INSERT, e.type(), millis, e.agentId(), null, e.taskId(),
                    e.orchId(), null, null, null, null);
            case Event.TokenIssued e -> tx.insertReturningKey(INSERT, e.type(), millis, e.agentId(), e.jti(), e.taskId(),
                    e.orchId(), null, null, null, null);
            case Event.TokenRenewed e -> tx.insertReturningKey(INSERT, e.type(), millis, e.agentId(), e.jti(), e.taskId(),
                    e.orchId(), null, null, null, null);
            case Event.TokenReleased e -> tx.insertReturningKey(INSERT, e.type(), millis, e.agentId(), e.jti(), e.taskId(),
                    e.orchId(), null, null, null, null);
            case Event.TokenExpired e -> tx.insertReturningKey(INSERT, e.type(), millis, e.agentId(), e.jti(), e.taskId(),
                    null, null, null, null, null);
            case Event.DelegationCreated e -> tx.insertReturningKey(INSERT, e.type(), millis, e.agentId(), e.jti(),
                    e.taskId(), e.orchId(), null, null, null, null);
            case Event.TokenRevoked e -> tx.insertReturningKey(INSERT, e.type(), millis, null, null, null, null, e.level(),
                    e.target(), e.count(), null);
            case Event.KeyRotated e -> tx.insertReturningKey(INSERT, e.type(), millis, null, null, null, null, null, null,
                    null, e.kid());
            case Event.KeyRevoked e -> tx.insertReturningKey(INSERT, e.type(), millis, null, null, null, null, null, null,
                    e.count(), e.kid());
        };
    }

    /** Events after {@code seq} up to {@code upTo}, oldest first. */
    List<Event.Recorded> between(Database.Tx tx, long seq, long upTo, int limit) {
        return tx.list("""
                SELECT seq, at_millis, event_type, agent_id, jti, task_id, orch_id, level, target, count, kid
                FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?""", rs -> new Event.Recorded(rs.getLong(1),
                Instant.ofEpochMilli(rs.getLong(2)), event(rs)), seq, upTo, limit);
    }

    long lastSeq(Database.Tx tx) {
        return tx.first("SELECT COALESCE(MAX(seq), 0) FROM events", rs -> rs.getLong(1)).orElse(0L);
    }

    int deleteBefore(Database.Tx tx, Instant before) {
        return tx.update("DELETE FROM events WHERE at_millis < ?", before.toEpochMilli());
    }

    private static Event event(ResultSet rs) throws SQLException {
        String agent = rs.getString(4);
        String jti = rs.getString(5);
        String task = rs.getString(6);
        String orch = rs.getString(7);
        Integer count = rs.getObject(10, Integer.class);
        return switch (rs.getString(3)) {
            case "agent_registered" -> new Event.AgentRegistered(agent, task, orch);
            case "token_issued" -> new Event.TokenIssued(agent, task, orch, jti);
            case "token_renewed" -> new Event.TokenRenewed(agent, task, orch, jti);
            case "token_released" -> new Event.TokenReleased(agent, task, orch, jti);
            case "token_expired" -> new Event.TokenExpired(agent, task, jti);
            case "delegation_created" -> new Event.DelegationCreated(agent, task, orch, jti);
            case "token_revoked" -> new Event.TokenRevoked(rs.getString(8), rs.getString(9), count == null ? 0 : count);
            case "key_rotated" -> new Event.KeyRotated(rs.getString(11));
            case "key_revoked" -> new Event.KeyRevoked(rs.getString(11), count == null ? 0 : count);
            default -> throw new IllegalStateException("unknown event type in the events table: " + rs.getString(3));
        };
    }
}
