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

    /** A token row as revocation sees it. */
    record TokenRow(String jti, String subject, String taskId, String rootAgent, String chain, long expiresAt)
            implements Lineage {

        private String[] link(int i) {
            return chain.split("\n")[i].split(" ");
        }

        @Override
        public int depth() {
            return chain.isEmpty() ? 0 : (int) chain.chars().filter(c -> c == '\n').count();
        }

        @Override
        public String ancestorAgent(int i) {
            return link(i)[0];
        }

        @Override
        public String ancestorJti(int i) {
            return link(i)[1];
        }
    }

    /** One entry of the feed. */
    record Entry(long seq, String level, String target, long revokedAt, long expiresAt) {
    }

    private static final String COLUMNS = "t.jti, t.sub, t.task_id, t.root_agent, t.chain, t.expires_at";
    private static final String LIVE = " AND t.state = 'active' AND t.expires_at > ?";

    Optional<TokenRow> token(Database.Tx tx, String jti) throws SQLException {
        List<TokenRow> rows = rows(tx, "SELECT " + COLUMNS + " FROM tokens t WHERE t.jti = ?", jti);
        return rows.stream().findFirst();
    }

    /** Live tokens of the tree below (and including) {@code jti}. */
    List<TokenRow> liveFromToken(Database.Tx tx, String jti, long now) throws SQLException {
        return rows(tx, descendants("SELECT jti FROM tokens WHERE jti = ?") + LIVE, jti, now);
    }

    /** Live tokens held by {@code agent}, and everything delegated from any of its tokens. */
    List<TokenRow> liveFromAgent(Database.Tx tx, String agent, long now) throws SQLException {
        return rows(tx, descendants("SELECT jti FROM tokens WHERE sub = ?") + LIVE, agent, now);
    }

    List<TokenRow> liveOfTask(Database.Tx tx, String taskId, long now) throws SQLException {
        return rows(tx, "SELECT " + COLUMNS + " FROM tokens t WHERE t.task_id = ?" + LIVE, taskId, now);
    }

    List<TokenRow> liveOfTree(Database.Tx tx, String rootAgent, long now) throws SQLException {
        return rows(tx, "SELECT " + COLUMNS + " FROM tokens t WHERE t.root_agent = ?" + LIVE, rootAgent, now);
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

    private static String descendants(String start) {
        return "WITH RECURSIVE tree(jti) AS (" + start
                + " UNION ALL SELECT c.jti FROM tokens c JOIN tree ON c.parent_jti = tree.jti) "
                + "SELECT " + COLUMNS + " FROM tokens t JOIN tree ON t.jti = tree.jti WHERE 1=1";
    }

    private static List<TokenRow> rows(Database.Tx tx, String sql, Object... args) throws SQLException {
        List<TokenRow> rows = new ArrayList<>();
        try (PreparedStatement ps = tx.connection().prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new TokenRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getLong(6)));
                }
            }
        }
        return rows;
    }
}
