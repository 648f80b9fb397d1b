package dev.mandate.server.journal;

import dev.mandate.server.storage.Database;
import dev.mandate.server.storage.StorageException;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The {@code events} table: the live events operators stream, in commit order ({@code seq}). */
final class JdbcEventStore {

    /** Inserts {@code event} as of {@code at}; its seq. */
    long insert(Database.Tx tx, Event event, Instant at) {
        try (PreparedStatement ps = tx.connection().prepareStatement("""
                INSERT INTO events (event_type, at_millis, agent_id, jti, task_id, orch_id, level, target, count, kid)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, event.type());
            ps.setLong(2, at.toEpochMilli());
            ps.setString(3, event.agentId());
            ps.setString(4, event.jti());
            ps.setString(5, event.taskId());
            ps.setString(6, event.orchId());
            ps.setString(7, event.level());
            ps.setString(8, event.target());
            if (event.count() == null) {
                ps.setNull(9, Types.INTEGER);
            } else {
                ps.setInt(9, event.count());
            }
            ps.setString(10, event.kid());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    List<Event> since(Database.Tx tx, long seq, int limit) throws SQLException {
        List<Event> events = new ArrayList<>();
        try (PreparedStatement ps = tx.connection().prepareStatement("""
                SELECT seq, event_type, at_millis, agent_id, jti, task_id, orch_id, level, target, count, kid
                FROM events WHERE seq > ? ORDER BY seq LIMIT ?""")) {
            ps.setLong(1, seq);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int count = rs.getInt(10);
                    Integer boxed = rs.wasNull() ? null : count;
                    events.add(new Event(rs.getLong(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                            rs.getString(9), boxed, rs.getString(11)));
                }
            }
        }
        return events;
    }

    int deleteBefore(Database.Tx tx, Instant before) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("DELETE FROM events WHERE at_millis < ?")) {
            ps.setLong(1, before.toEpochMilli());
            return ps.executeUpdate();
        }
    }
}
