package dev.mandate.server.live;

import dev.mandate.server.agent.AgentRecord;
import dev.mandate.server.error.Refusal;
import dev.mandate.server.http.ApiRoutes;
import dev.mandate.server.http.Json;
import dev.mandate.server.http.QueryParameter;
import dev.mandate.server.scope.Scope;
import dev.mandate.server.http.Bearer;
import dev.mandate.server.token.TokenRecord;
import dev.mandate.server.token.TokenState;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code GET /v1/admin/agents}, {@code GET /v1/admin/chains/{root}}, {@code POST /v1/admin/chains} and {@code GET /v1/admin/overview}. */
public record OperatorEndpoint(OperatorViews views, Overview overview, Bearer bearer) {

    private static final Scope AUDIT = Scope.parse("admin:audit:*");
    /** The agent states the list can be filtered by. */
    private static final Set<TokenState> STATES = Set.of(TokenState.ACTIVE, TokenState.EXPIRED, TokenState.RELEASED,
            TokenState.REVOKED);
    private static final String CHAINS = "/v1/admin/chains/";

    public void routing(ApiRoutes routes) {
        routes.get("/v1/admin/agents", this::agents)
              .get("/v1/admin/chains/{+root}", this::chain)
              .post("/v1/admin/chains", this::chains)
              .get("/v1/admin/overview", this::overview);
    }

    private void overview(ServerRequest req, ServerResponse res) {
        bearer.require(req, AUDIT);
        Overview.Counts c = overview.counts();
        JsonArrayBuilder points = Json.array();
        for (Overview.Point p : overview.rates()) {
            JsonArrayBuilder values = Json.array();
            p.perSecond().forEach(v -> values.add(Math.round(v * 1000) / 1000.0));
            points.add(Json.object().add("at", time(p.epochSecond())).add("per_second", values));
        }
        Json.ok(res, Json.object()
                .add("counts", Json.object()
                        .add("agents", c.agents())
                        .add("tokens", counts(c.tokens()))
                        .add("apps", counts(c.apps()))
                        .add("keys", counts(c.keys()))
                        .add("revocation_entries", c.revocationEntries()))
                .add("rates", Json.object()
                        .add("interval_seconds", Overview.INTERVAL_SECONDS)
                        .add("window_seconds", Overview.WINDOW_SECONDS)
                        .add("series", Json.strings(Overview.SERIES))
                        .add("points", points))
                .build());
    }

    private static JsonObject counts(java.util.Map<String, Long> counts) {
        var o = Json.object();
        counts.forEach((name, n) -> o.add(name, n.longValue()));
        return o.build();
    }

    private void agents(ServerRequest req, ServerResponse res) {
        bearer.require(req, AUDIT);
        var q = req.query();
        TokenState state = q.first("state").asOptional().map(OperatorEndpoint::state).orElse(null);
        int limit = (int) Math.min(1000, QueryParameter.number(q.first("limit").asOptional(), "limit", 100, 1));
        int offset = (int) Math.min(Integer.MAX_VALUE, QueryParameter.number(q.first("offset").asOptional(), "offset", 0, 0));
        var filter = new AgentRecord.Filter(blankToNull(q.first("app_id").asOptional()),
                blankToNull(q.first("orch_id").asOptional()), blankToNull(q.first("task_id").asOptional()),
                blankToNull(q.first("q").asOptional()));
        for (String text : java.util.Arrays.asList(filter.appId(), filter.orchId(), filter.taskId(), filter.text())) {
            if (text != null && (text.length() > 600 || !printable(text))) {
                throw Refusal.badRequest("the filters are printable text of at most 600 characters");
            }
        }
        AgentRecord.Sort sort = q.first("sort").asOptional().map(OperatorEndpoint::sort).orElse(AgentRecord.Sort.REGISTERED);
        boolean ascending = q.first("order").asOptional().map(OperatorEndpoint::ascending)
                .orElse(sort != AgentRecord.Sort.REGISTERED);   // newest first; by id and by time left ascending
        Json.ok(res, json(views.agents(new OperatorViews.AgentQuery(filter, state, new AgentRecord.Order(sort, ascending),
                limit, offset))));
    }

    private static AgentRecord.Sort sort(String value) {
        return switch (value) {
            case "registered" -> AgentRecord.Sort.REGISTERED;
            case "agent" -> AgentRecord.Sort.AGENT;
            case "expires" -> AgentRecord.Sort.EXPIRES;
            default -> throw Refusal.badRequest("'sort' must be registered, agent or expires");
        };
    }

    private static boolean ascending(String value) {
        return switch (value) {
            case "asc" -> true;
            case "desc" -> false;
            default -> throw Refusal.badRequest("'order' must be asc or desc");
        };
    }

    private static TokenState state(String value) {
        return STATES.stream().filter(s -> s.wire().equals(value)).findFirst().orElseThrow(() -> Refusal.badRequest(
                "'state' must be one of " + STATES.stream().map(TokenState::wire).sorted().toList()));
    }

    private void chain(ServerRequest req, ServerResponse res) {
        bearer.require(req, AUDIT);
        // The raw path keeps an agent id's encoded slashes in one segment; decode it ourselves.
        String raw = req.path().rawPath();
        String root = URLDecoder.decode(raw.substring(raw.indexOf(CHAINS) + CHAINS.length()), StandardCharsets.UTF_8);
        if (root.isBlank() || root.length() > 600 || !printable(root)) {
            throw Refusal.notFound("no such delegation tree");
        }
        Json.ok(res, Json.object().add("root", json(views.chain(root))).build());
    }

    /** At most this many trees in one {@code POST /v1/admin/chains}: a console page's worth, and then some. */
    private static final int MAX_CHAINS = 200;

    /** {@code {"roots":[…]}}: the tree of each, in order, in one request; null for a root with no tree. */
    private void chains(ServerRequest req, ServerResponse res) {
        bearer.require(req, AUDIT);
        List<String> roots = dev.mandate.server.http.JsonBody.read(req).stringList("roots");
        if (roots.isEmpty() || roots.size() > MAX_CHAINS) {
            throw Refusal.badRequest("'roots' holds 1 to " + MAX_CHAINS + " agent ids or jtis");
        }
        if (roots.stream().anyMatch(r -> r.isBlank() || r.length() > 600 || !printable(r))) {
            throw Refusal.badRequest("each of 'roots' is an agent id or a jti");
        }
        // Each distinct root is read once, however often it is named.
        List<String> distinct = roots.stream().distinct().toList();
        java.util.Map<String, Optional<OperatorViews.TreeNode>> read = new java.util.HashMap<>();
        List<Optional<OperatorViews.TreeNode>> found = views.chains(distinct);
        for (int i = 0; i < distinct.size(); i++) {
            read.put(distinct.get(i), found.get(i));
        }
        JsonArrayBuilder trees = Json.array();
        roots.forEach(r -> trees.add(read.get(r).<JsonValue>map(OperatorEndpoint::json).orElse(JsonValue.NULL)));
        Json.ok(res, Json.object().add("trees", trees).build());
    }

    /** No control characters: no id holds one, and PostgreSQL refuses a NUL in a bound string (a 503 before). */
    private static boolean printable(String s) {
        return s.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
    }

    private static String blankToNull(Optional<String> value) {
        return value.filter(v -> !v.isBlank()).orElse(null);
    }

    private static JsonObject json(OperatorViews.AgentPage page) {
        JsonArrayBuilder agents = Json.array();
        for (OperatorViews.AgentView v : page.agents()) {
            JsonArrayBuilder tokens = Json.array();
            for (OperatorViews.TokenView t : v.tokens()) {
                TokenRecord r = t.token();
                tokens.add(Json.object()
                        .add("jti", r.jti())
                        .add("scope", Json.strings(r.scopes()))
                        .add("issued_at", time(r.issuedAt()))
                        .add("expires_at", time(r.expiresAt()))
                        .add("effective_expires_at", time(t.effectiveExpiresAt()))
                        .add("state", t.state().wire())
                        .add("parent_jti", nullable(r.parentJti()))
                        .add("depth", r.depth())
                        .add("kid", r.kid()));
            }
            AgentRecord a = v.agent();
            agents.add(Json.object()
                    .add("agent_id", a.agentId())
                    .add("app_id", nullable(a.appId()))
                    .add("orch_id", a.orchId())
                    .add("task_id", a.taskId())
                    .add("registered_at", time(a.registeredAt()))
                    .add("state", v.state().wire())
                    .add("tokens", tokens));
        }
        return Json.object().add("agents", agents).add("total", page.total())
                .add("limit", page.limit()).add("offset", page.offset()).build();
    }

    private static JsonObject json(OperatorViews.TreeNode node) {
        JsonArrayBuilder children = Json.array();
        node.children().forEach(c -> children.add(json(c)));
        TokenRecord t = node.token();
        return Json.object()
                .add("agent_id", t.subject())
                .add("jti", t.jti())
                .add("scope", Json.strings(t.scopes()))
                .add("issued_at", time(t.issuedAt()))
                .add("expires_at", time(t.expiresAt()))
                .add("state", node.state().wire())
                .add("children", children)
                .build();
    }

    private static String time(long epochSecond) {
        return Json.time(Instant.ofEpochSecond(epochSecond));
    }

    private static JsonValue nullable(String value) {
        return value == null ? JsonValue.NULL : jakarta.json.Json.createValue(value);
    }
}
