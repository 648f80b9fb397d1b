package dev.mandate.server.audit;

import dev.mandate.server.storage.Database;
import dev.mandate.server.storage.StorageException;

import java.sql.Connection;
import java.sql.PreparedStatement;
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
    Optional<AuditEvent> last(Database.Tx tx) throws SQLException {
        try (var s = tx.connection().createStatement();
             ResultSet rs = s.executeQuery("SELECT " + COLUMNS + " FROM audit_events ORDER BY id DESC LIMIT 1")) {
            return rs.next() ? Optional.of(event(rs)) : Optional.empty();
        }
    }

    void insert(Database.Tx tx, AuditEvent e, long millis) {
        try (PreparedStatement ps = tx.connection().prepareStatement("""
                INSERT INTO audit_events (id, ts_text, ts_millis, event_type, agent_id, task_id, orch_id, detail, outcome,
                                          prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            ps.setLong(1, e.id());
            ps.setString(2, e.timestamp());
            ps.setLong(3, millis);
            ps.setString(4, e.eventType());
            ps.setString(5, e.agentId());
            ps.setString(6, e.taskId());
            ps.setString(7, e.orchId());
            ps.setString(8, e.detail());
            ps.setString(9, e.outcome());
            ps.setString(10, e.prevHash());
            ps.setString(11, e.hash());
            ps.executeUpdate();
        } catch (SQLException ex) {
            throw new StorageException(ex);
        }
    }

    /** The events matching {@code q} (one page of them), and how many match in all. */
    AuditLog.Page page(Database.Tx tx, AuditLog.Query q) throws SQLException {
        StringBuilder where = new StringBuilder(" WHERE 1=1");
        List<Object> args = new ArrayList<>();
        condition(where, args, "agent_id = ?", q.agentId());
        condition(where, args, "task_id = ?", q.taskId());
        condition(where, args, "event_type = ?", q.eventType());
        condition(where, args, "outcome = ?", q.outcome());
        condition(where, args, "ts_millis >= ?", q.since() == null ? null : q.since().toEpochMilli());
        condition(where, args, "ts_millis <= ?", q.until() == null ? null : q.until().toEpochMilli());
        Connection c = tx.connection();
        long total;
        try (PreparedStatement ps = bind(c.prepareStatement("SELECT COUNT(*) FROM audit_events" + where), args);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            total = rs.getLong(1);
        }
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add(q.limit());
        pageArgs.add(q.offset());
        List<AuditEvent> events = new ArrayList<>();
        try (PreparedStatement ps = bind(c.prepareStatement(
                "SELECT " + COLUMNS + " FROM audit_events" + where + " ORDER BY id LIMIT ? OFFSET ?"), pageArgs);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                events.add(event(rs));
            }
        }
        return new AuditLog.Page(List.copyOf(events), total);
    }

    /** Hands every event, in id order, to {@code visitor} until it answers false. */
    void scan(Database.Tx tx, Predicate<AuditEvent> visitor) throws SQLException {
        try (var s = tx.connection().createStatement();
             ResultSet rs = s.executeQuery("SELECT " + COLUMNS + " FROM audit_events ORDER BY id")) {
            while (rs.next() && visitor.test(event(rs))) {
                // visited
            }
        }
    }

    private static void condition(StringBuilder where, List<Object> args, String sql, Object value) {
        if (value != null) {
            where.append(" AND ").append(sql);
            args.add(value);
        }
    }

    private static PreparedStatement bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            ps.setObject(i + 1, args.get(i));
        }
        return ps;
    }

    private static AuditEvent event(ResultSet rs) throws SQLException {
        return new AuditEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10));
    }
}
