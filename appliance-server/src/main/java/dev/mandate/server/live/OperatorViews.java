package dev.mandate.server.live;

import dev.mandate.server.error.Refusal;
import dev.mandate.server.http.Json;
import dev.mandate.server.revocation.LiveTokens;
import dev.mandate.server.revocation.Revocations;
import dev.mandate.server.storage.Database;
import dev.mandate.server.claims.Ids;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The operator's views (SPEC §2.4): agents with their tokens, and delegation trees. */
public final class OperatorViews {

    private static final String TOKEN_COLUMNS =
            "jti, sub, scope, issued_at, expires_at, parent_jti, depth, kid, state, chain, root_agent";

    /** The filters of {@code GET /v1/admin/agents}; null means any. */
    public record AgentQuery(String appId, String orchId, String taskId, String state, String text, int limit,
                             int offset) {
    }

    private record TokenRow(String jti, String sub, String scope, long issuedAt, long expiresAt, String parentJti,
                            int depth, String kid, String dbState, String chain, String rootAgent) {
        List<String> ancestorJtis() {
            List<String> jtis = new ArrayList<>();
            String[] parts = chain.isEmpty() ? new String[0] : chain.split("[ \n]");
            for (int i = 1; i < parts.length; i += 2) {
                jtis.add(parts[i]);
            }
            return jtis;
        }
    }

    /** The latest token; within one second, a renewal's successor over the token it superseded. */
    private static final Comparator<TokenRow> LATEST = Comparator.comparingLong(TokenRow::issuedAt)
            .thenComparing(t -> !t.dbState().equals("superseded"));

    private record AgentRow(String agentId, String appId, String orchId, String taskId, long registeredAt,
                            boolean revoked) {
    }

    private final Database db;
    private final LiveTokens live;
    private final Revocations revocations;
    private final Clock clock;

    public OperatorViews(Database db, LiveTokens live, Revocations revocations, Clock clock) {
        this.db = db;
        this.live = live;
        this.revocations = revocations;
        this.clock = clock;
    }

    public JsonObject agents(AgentQuery q) {
        long now = clock.instant().getEpochSecond();
        return db.read(tx -> {
            StringBuilder where = new StringBuilder(" WHERE 1=1");
            List<Object> args = new ArrayList<>();
            if (q.appId() != null) {
                where.append(" AND a.app_id = ?");
                args.add(q.appId());
            }
            if (q.orchId() != null) {
                where.append(" AND a.orch_id = ?");
                args.add(q.orchId());
            }
            if (q.taskId() != null) {
                where.append(" AND a.task_id = ?");
                args.add(q.taskId());
            }
            if (q.text() != null) {
                String like = "%" + q.text().toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%")
                        .replace("_", "\\_") + "%";
                where.append(" AND (LOWER(a.agent_id) LIKE ? OR LOWER(a.orch_id) LIKE ? OR LOWER(a.task_id) LIKE ?"
                        + " OR LOWER(a.scope) LIKE ? OR EXISTS (SELECT 1 FROM tokens s WHERE s.sub = a.agent_id AND LOWER(s.scope) LIKE ?))");
                for (int i = 0; i < 5; i++) {
                    args.add(like);
                }
            }
            // Without a state filter the database pages; a state filter needs every candidate's state first.
            boolean pageInSql = q.state() == null;
            String order = " ORDER BY a.registered_at DESC, a.agent_id";
            List<Object> pageArgs = new ArrayList<>(args);
            String limit = "";
            if (pageInSql) {
                limit = " LIMIT ? OFFSET ?";
                pageArgs.add(q.limit());
                pageArgs.add(q.offset());
            }
            Map<String, AgentRow> agents = new LinkedHashMap<>();
            try (PreparedStatement ps = bind(tx.connection().prepareStatement(
                    "SELECT a.agent_id, a.app_id, a.orch_id, a.task_id, a.registered_at, a.revoked_at FROM agents a"
                            + where + order + limit), pageArgs);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rs.getLong(6);
                    boolean revoked = !rs.wasNull();
                    agents.put(rs.getString(1), new AgentRow(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getLong(5), revoked));
                }
            }
            Map<String, List<TokenRow>> tokens = tokensOf(tx, new ArrayList<>(agents.keySet()));
            List<AgentRow> matching = new ArrayList<>();
            Map<String, String> states = new HashMap<>();
            for (AgentRow a : agents.values()) {
                String state = agentState(a, tokens.getOrDefault(a.agentId(), List.of()), now);
                states.put(a.agentId(), state);
                if (q.state() == null || q.state().equals(state)) {
                    matching.add(a);
                }
            }
            long total;
            List<AgentRow> page;
            if (pageInSql) {
                try (PreparedStatement ps = bind(tx.connection().prepareStatement("SELECT COUNT(*) FROM agents a" + where), args);
                     ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
                page = matching;
            } else {
                total = matching.size();
                page = matching.subList(Math.min(q.offset(), matching.size()),
                        Math.min(q.offset() + q.limit(), matching.size()));
            }
            Map<String, Long> expiries = ancestorExpiries(tx, page.stream()
                    .flatMap(a -> tokens.getOrDefault(a.agentId(), List.of()).stream()).toList());
            JsonArrayBuilder array = Json.array();
            for (AgentRow a : page) {
                JsonArrayBuilder list = Json.array();
                for (TokenRow t : tokens.getOrDefault(a.agentId(), List.of())) {
                    long effective = t.expiresAt();
                    for (String ancestor : t.ancestorJtis()) {
                        effective = Math.min(effective, expiries.getOrDefault(ancestor, effective));
                    }
                    list.add(Json.object()
                            .add("jti", t.jti())
                            .add("scope", Json.strings(Arrays.asList(t.scope().split(" "))))
                            .add("issued_at", Json.time(Instant.ofEpochSecond(t.issuedAt())))
                            .add("expires_at", Json.time(Instant.ofEpochSecond(t.expiresAt())))
                            .add("effective_expires_at", Json.time(Instant.ofEpochSecond(effective)))
                            .add("state", tokenState(t, now))
                            .add("parent_jti", t.parentJti() == null ? jakarta.json.JsonValue.NULL
                                    : jakarta.json.Json.createValue(t.parentJti()))
                            .add("depth", t.depth())
                            .add("kid", t.kid()));
                }
                array.add(Json.object()
                        .add("agent_id", a.agentId())
                        .add("app_id", a.appId() == null ? jakarta.json.JsonValue.NULL : jakarta.json.Json.createValue(a.appId()))
                        .add("orch_id", a.orchId())
                        .add("task_id", a.taskId())
                        .add("registered_at", Json.time(Instant.ofEpochSecond(a.registeredAt())))
                        .add("state", states.get(a.agentId()))
                        .add("tokens", list));
            }
            return Json.object().add("agents", array).add("total", total)
                    .add("limit", q.limit()).add("offset", q.offset()).build();
        });
    }

    /** The tree {@code root} (an agent id or a jti) belongs to; 404 when unknown. */
    public JsonObject chain(String root) {
        long now = clock.instant().getEpochSecond();
        return db.read(tx -> {
            String rootAgent = root;
            if (Ids.isJti(root)) {
                try (PreparedStatement ps = tx.connection().prepareStatement("SELECT root_agent FROM tokens WHERE jti = ?")) {
                    ps.setString(1, root);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw Refusal.notFound("no token or agent " + root);
                        }
                        rootAgent = rs.getString(1);
                    }
                }
            }
            List<TokenRow> tree = new ArrayList<>();
            try (PreparedStatement ps = tx.connection().prepareStatement("SELECT " + TOKEN_COLUMNS
                    + " FROM tokens WHERE root_agent = ? ORDER BY issued_at")) {
                ps.setString(1, rootAgent);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        tree.add(token(rs));
                    }
                }
            }
            String r = rootAgent;
            List<TokenRow> own = tree.stream().filter(t -> t.depth() == 0 && t.sub().equals(r)).toList();
            if (own.isEmpty()) {
                throw Refusal.notFound("no delegation tree for " + root);
            }
            Map<String, List<TokenRow>> children = new HashMap<>();
            for (TokenRow t : tree) {
                if (t.parentJti() != null) {
                    children.computeIfAbsent(t.parentJti(), k -> new ArrayList<>()).add(t);
                }
            }
            TokenRow latest = own.stream().max(LATEST).orElseThrow();
            // Tokens delegated from any of the root's own tokens (earlier, renewed ones too) hang below it.
            List<TokenRow> rootChildren = new ArrayList<>();
            own.forEach(t -> rootChildren.addAll(children.getOrDefault(t.jti(), List.of())));
            return Json.object().add("root", node(latest, rootChildren, children, now)).build();
        });
    }

    private JsonObject node(TokenRow t, List<TokenRow> kids, Map<String, List<TokenRow>> children, long now) {
        JsonArrayBuilder array = Json.array();
        for (TokenRow c : kids) {
            array.add(node(c, children.getOrDefault(c.jti(), List.of()), children, now));
        }
        return Json.object()
                .add("agent_id", t.sub())
                .add("jti", t.jti())
                .add("scope", Json.strings(Arrays.asList(t.scope().split(" "))))
                .add("expires_at", Json.time(Instant.ofEpochSecond(t.expiresAt())))
                .add("state", tokenState(t, now))
                .add("children", array)
                .build();
    }

    private String tokenState(TokenRow t, long now) {
        if (t.dbState().equals("released") || t.dbState().equals("superseded")) {
            return t.dbState();
        }
        if (t.expiresAt() <= now) {
            return "expired";
        }
        return live.contains(t.jti()) ? "active" : "revoked";
    }

    private String agentState(AgentRow a, List<TokenRow> tokens, long now) {
        if (a.revoked() || revocations.contains(Revocations.Level.CHAIN, a.agentId())) {
            return "revoked";
        }
        return tokens.stream().filter(t -> t.depth() == 0).max(LATEST)
                .map(t -> tokenState(t, now)).map(s -> s.equals("superseded") ? "active" : s).orElse("expired");
    }

    /** The tokens held by each of {@code agentIds}, oldest first. */
    private static Map<String, List<TokenRow>> tokensOf(Database.Tx tx, List<String> agentIds) throws SQLException {
        Map<String, List<TokenRow>> tokens = new HashMap<>();
        for (int from = 0; from < agentIds.size(); from += 500) {
            List<String> batch = agentIds.subList(from, Math.min(from + 500, agentIds.size()));
            try (PreparedStatement ps = bind(tx.connection().prepareStatement("SELECT " + TOKEN_COLUMNS
                    + " FROM tokens WHERE sub IN (" + "?,".repeat(batch.size() - 1) + "?) ORDER BY issued_at"),
                    new ArrayList<>(batch)); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TokenRow t = token(rs);
                    tokens.computeIfAbsent(t.sub(), k -> new ArrayList<>()).add(t);
                }
            }
        }
        return tokens;
    }

    private static Map<String, Long> ancestorExpiries(Database.Tx tx, List<TokenRow> tokens) throws SQLException {
        Map<String, Long> expiries = new HashMap<>();
        List<String> wanted = tokens.stream().flatMap(t -> t.ancestorJtis().stream()).distinct().toList();
        for (int from = 0; from < wanted.size(); from += 500) {
            List<String> batch = wanted.subList(from, Math.min(from + 500, wanted.size()));
            try (PreparedStatement ps = bind(tx.connection().prepareStatement("SELECT jti, expires_at FROM tokens WHERE jti IN ("
                    + "?,".repeat(batch.size() - 1) + "?)"), new ArrayList<>(batch)); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    expiries.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return expiries;
    }

    private static TokenRow token(ResultSet rs) throws SQLException {
        return new TokenRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                rs.getString(6), rs.getInt(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11));
    }

    private static PreparedStatement bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            ps.setObject(i + 1, args.get(i));
        }
        return ps;
    }
}
