package dev.mandate.server.live;

import dev.mandate.server.error.Refusal;
import dev.mandate.server.http.ApiRoutes;
import dev.mandate.server.http.Json;
import dev.mandate.server.http.QueryParameter;
import dev.mandate.server.scope.Scope;
import dev.mandate.server.http.Bearer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/** {@code GET /v1/admin/agents} and {@code GET /v1/admin/chains/{root}}. */
public final class OperatorEndpoint {

    private static final Scope AUDIT = Scope.parse("admin:audit:*");
    private static final Set<String> STATES = Set.of("active", "expired", "released", "revoked");
    private static final String CHAINS = "/v1/admin/chains/";

    private final OperatorViews views;
    private final Bearer bearer;

    public OperatorEndpoint(OperatorViews views, Bearer bearer) {
        this.views = views;
        this.bearer = bearer;
    }

    public void routing(ApiRoutes routes) {
        routes.get("/v1/admin/agents", this::agents)
              .get("/v1/admin/chains/{+root}", this::chain);
    }

    private void agents(ServerRequest req, ServerResponse res) {
        bearer.require(req, AUDIT);
        var q = req.query();
        String state = q.first("state").asOptional().orElse(null);
        if (state != null && !STATES.contains(state)) {
            throw Refusal.badRequest("'state' must be one of " + STATES);
        }
        int limit = (int) Math.min(1000, QueryParameter.number(q.first("limit").asOptional(), "limit", 100, 1));
        int offset = (int) Math.min(Integer.MAX_VALUE, QueryParameter.number(q.first("offset").asOptional(), "offset", 0, 0));
        Json.ok(res, views.agents(new OperatorViews.AgentQuery(
                blankToNull(q.first("app_id").asOptional()), blankToNull(q.first("orch_id").asOptional()),
                blankToNull(q.first("task_id").asOptional()), state, blankToNull(q.first("q").asOptional()),
                limit, offset)));
    }

    private void chain(ServerRequest req, ServerResponse res) {
        bearer.require(req, AUDIT);
        // The raw path keeps an agent id's encoded slashes in one segment; decode it ourselves.
        String raw = req.path().rawPath();
        String root = URLDecoder.decode(raw.substring(raw.indexOf(CHAINS) + CHAINS.length()), StandardCharsets.UTF_8);
        if (root.isBlank() || root.length() > 600) {
            throw Refusal.notFound("no such delegation tree");
        }
        Json.ok(res, views.chain(root));
    }

    private static String blankToNull(Optional<String> value) {
        return value.filter(v -> !v.isBlank()).orElse(null);
    }
}
