package dev.mandate.server.audit;

import dev.mandate.server.storage.Database;
import dev.mandate.server.storage.StorageException;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** The {@code audit_events} table: the hash-chained log, appended only, read in id order. */
final class JdbcAuditStore {

    private static final String COLUMNS = "id, ts_text, event_type, agent_id, task_id, orch_id, detail, outcome, prev_hash, hash";

    /** The last event, if any. */
    Optional<AuditEvent> last(Database.Tx tx) {
        return tx.first("SELECT " + COLUMNS + " FROM audit_events ORDER BY id DESC LIMIT 1", JdbcAuditStore::event);
    }

    void insert(Database.Tx tx, AuditEvent e, long millis) {
        tx.update("""
                INSERT INTO audit_events (id, ts_text, ts_millis, event_type, agent_id, task_id, orch_id, detail, outcome,
                                          prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", e.id(), e.timestamp(), millis, e.eventType(), e.agentId(),
                e.taskId(), e.orchId(), e.detail(), e.outcome(), e.prevHash(), e.hash());
    }

    /** The events matching {@code q} (one page of them), and how many match in all. */
    AuditLog.Page page(Database.Tx tx, AuditLog.Query q) {
        StringBuilder where = new StringBuilder(" WHERE 1=1");
        List<Object> args = new ArrayList<>();
        condition(where, args, "agent_id = ?", q.agentId());
        condition(where, args, "task_id = ?", q.taskId());
        condition(where, args, "event_type = ?", q.eventType());
        condition(where, args, "outcome = ?", q.outcome());
        condition(where, args, "ts_millis >= ?", q.since() == null ? null : q.since().toEpochMilli());
        condition(where, args, "ts_millis <= ?", q.until() == null ? null : q.until().toEpochMilli());
        long total = tx.first("SELECT COUNT(*) FROM audit_events" + where, rs -> rs.getLong(1), args.toArray()).orElse(0L);
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add(q.limit());
        pageArgs.add(q.offset());
        List<AuditEvent> events = tx.list("SELECT " + COLUMNS + " FROM audit_events" + where + " ORDER BY id LIMIT ? OFFSET ?",
                JdbcAuditStore::event, pageArgs.toArray());
        return new AuditLog.Page(List.copyOf(events), total);
    }

    /** Hands every event, in id order, to {@code visitor} until it answers false (streamed, not loaded). */
    void scan(Database.Tx tx, Predicate<AuditEvent> visitor) {
        var c = tx.connection();
        try {
            // PostgreSQL's driver reads a whole result into memory unless it runs in a transaction with a
            // fetch size: then it reads a thousand rows at a time (H2 spills large results to disk itself).
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (var s = c.createStatement()) {
                s.setFetchSize(1000);
                try (ResultSet rs = s.executeQuery("SELECT " + COLUMNS + " FROM audit_events ORDER BY id")) {
                    while (rs.next() && visitor.test(event(rs))) {
                        // visited
                    }
                }
            } finally {
                c.rollback();
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    private static void condition(StringBuilder where, List<Object> args, String sql, Object value) {
        if (value != null) {
            where.append(" AND ").append(sql);
            args.add(value);
        }
    }

    private static AuditEvent event(ResultSet rs) throws SQLException {
        return new AuditEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10));
    }
}
