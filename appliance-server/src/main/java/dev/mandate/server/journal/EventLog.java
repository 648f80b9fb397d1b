package dev.mandate.server.journal;

import dev.mandate.server.storage.Database;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;

/** Records events durably and hands them, in commit order, to every subscribed stream. */
public final class EventLog {

    /** A stream's queue: bounded; a subscriber that falls behind is marked and dropped by its stream. */
    public static final class Subscriber {
        private final BlockingQueue<Event> queue;
        private volatile boolean overflowed;

        Subscriber(int capacity) {
            this.queue = new ArrayBlockingQueue<>(capacity);
        }

        /** The next event, waiting at most {@code millis}; null when none came. */
        public Event poll(long millis) throws InterruptedException {
            return queue.poll(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        /** True once this subscriber fell behind by a whole queue: its stream must end (and the client resume). */
        public boolean overflowed() {
            return overflowed;
        }
    }

    private final Database db;
    private final Clock clock;
    private final Set<Subscriber> subscribers = new CopyOnWriteArraySet<>();

    public EventLog(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Writes {@code event} in {@code tx}; subscribers get it once {@code tx} has committed. */
    public void record(Database.Tx tx, Event event) throws SQLException {
        Instant at = clock.instant();
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
                Event stamped = event.stamped(keys.getLong(1), at);
                tx.afterCommit(() -> publish(stamped));
            }
        }
    }

    /** Retained events after {@code seq}, oldest first. */
    public List<Event> since(long seq, int limit) {
        return db.read(tx -> {
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
        });
    }

    /** Forgets events older than {@code before}; returns how many. */
    public int prune(Instant before) {
        return db.write(tx -> {
            try (PreparedStatement ps = tx.connection().prepareStatement("DELETE FROM events WHERE at_millis < ?")) {
                ps.setLong(1, before.toEpochMilli());
                return ps.executeUpdate();
            }
        });
    }

    public Subscriber subscribe(int capacity) {
        Subscriber s = new Subscriber(capacity);
        subscribers.add(s);
        return s;
    }

    public void unsubscribe(Subscriber s) {
        subscribers.remove(s);
    }

    public int subscribers() {
        return subscribers.size();
    }

    private void publish(Event e) {
        for (Subscriber s : subscribers) {
            if (!s.queue.offer(e)) {
                s.overflowed = true;
            }
        }
    }
}
