package dev.mandate.server.agent;

import dev.mandate.server.storage.Database;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The {@code agents} table. */
final class JdbcAgentStore {

    record Row(String agentId, String orchId, String taskId, String appId, String agentName, String publicKey,
               String scope, long registeredAt, long lifetimeEndsAt, boolean senderConstrained) {
    }

    void insert(Database.Tx tx, Row r) {
        tx.update("""
                INSERT INTO agents (agent_id, orch_id, task_id, app_id, agent_name, public_key, scope, registered_at,
                                    lifetime_ends_at, sender_constrained)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", r.agentId(), r.orchId(), r.taskId(), r.appId(), r.agentName(),
                r.publicKey(), r.scope(), r.registeredAt(), r.lifetimeEndsAt(), r.senderConstrained());
    }

    /** The agent's registered key (standard base64) if every token of it must be bound to that key; else empty. */
    Optional<String> boundKey(Database.Tx tx, String agentId) {
        return tx.first("SELECT public_key, sender_constrained FROM agents WHERE agent_id = ?",
                rs -> rs.getBoolean(2) ? Optional.of(rs.getString(1)) : Optional.<String>empty(), agentId).flatMap(k -> k);
    }

    /** From now on, every token of every agent the app launched is bound to that agent's key. */
    void requireBinding(Database.Tx tx, String appId) {
        tx.update("UPDATE agents SET sender_constrained = TRUE WHERE app_id = ? AND sender_constrained = FALSE", appId);
    }

    /** Empty for an unknown agent; else whether it was revoked. */
    Optional<Boolean> revoked(Database.Tx tx, String agentId) {
        return tx.first("SELECT revoked_at FROM agents WHERE agent_id = ?",
                rs -> rs.getObject(1, Long.class) != null, agentId);
    }

    /** Marks the agent revoked, once: the first revocation's time stays. */
    void markRevoked(Database.Tx tx, String agentId, long now) {
        tx.update("UPDATE agents SET revoked_at = ? WHERE agent_id = ? AND revoked_at IS NULL", now, agentId);
    }

    List<String> launchedBy(Database.Tx tx, String appId) {
        return tx.list("SELECT agent_id FROM agents WHERE app_id = ?", rs -> rs.getString(1), appId);
    }

    /** The agent's registered Ed25519 public key (standard base64 of its 32 bytes). */
    Optional<String> publicKey(Database.Tx tx, String agentId) {
        return tx.first("SELECT public_key FROM agents WHERE agent_id = ?", rs -> rs.getString(1), agentId);
    }

    Optional<String> appIdOf(Database.Tx tx, String agentId) {
        return tx.first("SELECT app_id FROM agents WHERE agent_id = ?", rs -> Optional.ofNullable(rs.getString(1)),
                agentId).flatMap(appId -> appId);
    }

    /** When the agent's absolute lifetime ends; empty for an unknown or revoked agent. */
    Optional<Instant> lifetimeEnd(Database.Tx tx, String agentId) {
        return tx.first("SELECT lifetime_ends_at FROM agents WHERE agent_id = ? AND revoked_at IS NULL",
                rs -> Instant.ofEpochSecond(rs.getLong(1)), agentId);
    }

    /** Agents matching {@code filter} in {@code order} as of {@code now}; a page of them when {@code limit} is given. */
    List<AgentRecord> matching(Database.Tx tx, AgentRecord.Filter filter, AgentRecord.Order order, long now, Integer limit,
                               int offset) {
        if (order.sort() == AgentRecord.Sort.EXPIRES && limit != null && unfiltered(filter)) {
            List<AgentRecord> live = liveByTimeLeft(tx, order.ascending(), now, limit, offset);
            if (live.size() == limit) {
                return live;   // a page of live agents: the rest of the order (no time left) comes after them
            }
        }
        List<Object> args = new ArrayList<>();
        String where = where(tx, filter, args);
        String orderBy = orderBy(order);
        if (order.sort() == AgentRecord.Sort.EXPIRES) {
            args.add(now);
        }
        String page = "";
        if (limit != null) {
            page = " LIMIT ? OFFSET ?";
            args.add(limit);
            args.add(offset);
        }
        // Only by time left is each agent's latest expiry read (a derived column the ORDER BY can name twice).
        String from = order.sort() == AgentRecord.Sort.EXPIRES
                ? "(SELECT a.*, " + LATEST_OWN_EXPIRY + " AS own_expiry FROM agents a" + where + ") a"
                : "agents a" + where;
        return tx.list("SELECT agent_id, app_id, orch_id, task_id, registered_at, revoked_at FROM " + from
                        + " ORDER BY " + orderBy + page,
                rs -> new AgentRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                        rs.getObject(6, Long.class) != null), args.toArray());
    }

    /**
     * A page of the live agents by time left, read in index order ({@code tokens_live_own}) and stopped at the
     * page: each not revoked, with its own token active (its latest, if it ever had two) and unexpired at
     * {@code now}. The same order as the whole query's first part, which it stands in for when the page is
     * full of live agents; fewer rows mean the page reaches the agents with no time left.
     */
    private static List<AgentRecord> liveByTimeLeft(Database.Tx tx, boolean ascending, long now, int limit, int offset) {
        String direction = ascending ? " ASC" : " DESC";
        return tx.list("""
                SELECT a.agent_id, a.app_id, a.orch_id, a.task_id, a.registered_at, a.revoked_at
                FROM tokens t JOIN agents a ON a.agent_id = t.sub
                WHERE t.depth = 0 AND t.state = 'active' AND t.expires_at > ? AND a.revoked_at IS NULL
                  AND NOT EXISTS (SELECT 1 FROM tokens u WHERE u.sub = t.sub AND u.depth = 0 AND u.state = 'active'
                                  AND (u.expires_at > t.expires_at OR u.expires_at = t.expires_at AND u.jti > t.jti))
                ORDER BY t.depth""" + direction + ", t.state" + direction + ", t.expires_at" + direction + ", t.sub" + direction
                        // depth and state are fixed here: named anyway, so that H2 sees the index's own order and stops
                        // at the page (without them it read and sorted every live token: 2 s at 110,000 agents, 14-63 ms with)
                        + " LIMIT ? OFFSET ?",
                rs -> new AgentRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), false),
                now, limit, offset);
    }

    /** No filter at all (as {@link #where} reads one: any value given, even empty, filters). */
    private static boolean unfiltered(AgentRecord.Filter f) {
        return f.appId() == null && f.orchId() == null && f.taskId() == null && f.text() == null;
    }

    /**
     * The expiry of the agent's own token still active in the database (delegated ones end no later than their
     * delegator's); 0 when it was released, or renewed by nothing. Revocations of single tokens or tasks live in
     * the revocation index, not here: such an agent sorts by its token's expiry, and its row says revoked.
     */
    private static final String LATEST_OWN_EXPIRY = "COALESCE((SELECT MAX(t.expires_at) FROM tokens t"
            + " WHERE t.sub = a.agent_id AND t.depth = 0 AND t.state = 'active'), 0)";

    /**
     * The ORDER BY of {@code order}, made of fixed text only (never of request input); ties broken by id. By
     * time left, agents with none (revoked whole, released, or their token expired at the {@code ?} it takes) come last.
     */
    private static String orderBy(AgentRecord.Order order) {
        String direction = order.ascending() ? " ASC" : " DESC";
        return switch (order.sort()) {
            case REGISTERED -> "a.registered_at" + direction + ", a.agent_id" + direction;   // as the index is read
            case AGENT -> "a.agent_id" + direction;
            case EXPIRES -> "CASE WHEN a.revoked_at IS NULL AND a.own_expiry > ? THEN 0 ELSE 1 END, a.own_expiry"
                    + direction + ", a.agent_id" + direction;   // ties as the index tokens_live_own is read
        };
    }

    long count(Database.Tx tx, AgentRecord.Filter filter) {
        List<Object> args = new ArrayList<>();
        String where = where(tx, filter, args);
        return tx.first("SELECT COUNT(*) FROM agents a" + where, rs -> rs.getLong(1), args.toArray()).orElse(0L);
    }

    /** The holders of delegated tokens whose scope matches a search text, per transaction. */
    private static final class Holders {
        final java.util.Map<String, List<String>> byText = new java.util.HashMap<>();
    }

    /** Past this many agents holding a delegated token whose scope matches, the search asks per agent instead. */
    private static final int DELEGATED_MATCHES = 1000;

    /**
     * The WHERE clause of {@code filter}. Its text search also looks into the scopes of the tokens delegated to
     * an agent (narrower than its own): those holders are read first, in one pass over the delegated tokens,
     * so that the agents are not each looked up (with 100,000 agents, that cost seconds). Reads only.
     */
    private static String where(Database.Tx tx, AgentRecord.Filter f, List<Object> args) {
        StringBuilder where = new StringBuilder(" WHERE 1=1");
        condition(where, args, " AND a.app_id = ?", f.appId());
        condition(where, args, " AND a.orch_id = ?", f.orchId());
        condition(where, args, " AND a.task_id = ?", f.taskId());
        if (f.text() != null) {
            String like = "%" + f.text().toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%")
                    .replace("_", "\\_") + "%";
            where.append(" AND (LOWER(a.agent_id) LIKE ? OR LOWER(a.orch_id) LIKE ? OR LOWER(a.task_id) LIKE ?"
                    + " OR LOWER(a.scope) LIKE ?");
            for (int i = 0; i < 4; i++) {
                args.add(like);
            }
            // A page and its count search alike in one transaction: the delegated tokens are read once.
            List<String> holders = tx.state(Holders.class, Holders::new).byText.computeIfAbsent(like, text ->
                    tx.list("SELECT DISTINCT sub FROM tokens WHERE depth > 0 AND LOWER(scope) LIKE ?"
                            + " FETCH FIRST " + (DELEGATED_MATCHES + 1) + " ROWS ONLY", rs -> rs.getString(1), text));
            if (holders.size() > DELEGATED_MATCHES) {
                where.append(" OR EXISTS (SELECT 1 FROM tokens s WHERE s.sub = a.agent_id AND s.depth > 0 AND LOWER(s.scope) LIKE ?)");
                args.add(like);
            } else if (!holders.isEmpty()) {
                where.append(" OR a.agent_id IN (").append(String.join(", ", java.util.Collections.nCopies(holders.size(), "?")))
                        .append(")");
                args.addAll(holders);
            }
            where.append(")");
        }
        return where.toString();
    }

    private static void condition(StringBuilder where, List<Object> args, String sql, String value) {
        if (value != null) {
            where.append(sql);
            args.add(value);
        }
    }
}
