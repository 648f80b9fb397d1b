package dev.mandate.server.journal;

import dev.mandate.server.storage.Database;

import java.time.Instant;
import java.util.List;

/** The {@code events} table: the live events operators stream, in commit order ({@code seq}). */
final class JdbcEventStore {

    /** Inserts {@code event} as of {@code at}; its seq. */
    long insert(Database.Tx tx, Event event, Instant at) {
        return tx.insertReturningKey("""
                INSERT INTO events (event_type, at_millis, agent_id, jti, task_id, orch_id, level, target, count, kid)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", event.type(), at.toEpochMilli(), event.agentId(), event.jti(),
                event.taskId(), event.orchId(), event.level(), event.target(), event.count(), event.kid());
    }

    List<Event> since(Database.Tx tx, long seq, int limit) {
        return tx.list("""
                SELECT seq, event_type, at_millis, agent_id, jti, task_id, orch_id, level, target, count, kid
                FROM events WHERE seq > ? ORDER BY seq LIMIT ?""", rs -> new Event(rs.getLong(1), rs.getString(2),
                Instant.ofEpochMilli(rs.getLong(3)), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                rs.getString(8), rs.getString(9), rs.getObject(10, Integer.class), rs.getString(11)), seq, limit);
    }

    int deleteBefore(Database.Tx tx, Instant before) {
        return tx.update("DELETE FROM events WHERE at_millis < ?", before.toEpochMilli());
    }
}
