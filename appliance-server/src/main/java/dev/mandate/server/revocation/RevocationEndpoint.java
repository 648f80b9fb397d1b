package dev.mandate.server.revocation;

import dev.mandate.server.error.Refusal;
import dev.mandate.server.http.ApiRoutes;
import dev.mandate.server.http.Json;
import dev.mandate.server.http.QueryParameter;
import dev.mandate.server.http.JsonBody;
import dev.mandate.server.scope.Scope;
import dev.mandate.server.http.Bearer;
import dev.mandate.server.claims.Ids;
import dev.mandate.server.claims.TokenClaims;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** {@code POST /v1/revoke} (operator) and {@code GET /v1/revocations} (the feed offline validators poll). */
public record RevocationEndpoint(Revoker revoker, Bearer bearer) {

    private static final Scope REVOKE = Scope.parse("admin:revoke:*");
    private static final int MAX_FEED = 1000;
    private static final int MAX_PREVIEW = 1000;
    /** The agents table's column: no longer id was ever registered. */
    private static final int MAX_AGENT_ID = 600;

    public void routing(ApiRoutes routes) {
        routes.post("/v1/revoke", this::revoke)
              .post("/v1/admin/revocations/preview", this::preview)
              .get("/v1/revocations", this::feed);
    }

    /**
     * How many live tokens revoking every target at one level would kill, each counted once: what a
     * confirmation names before a (bulk) revocation is sent. Changes nothing.
     */
    private void preview(ServerRequest req, ServerResponse res) {
        bearer.require(req, REVOKE);
        JsonBody body = JsonBody.read(req);
        Revocations.Level level = level(body.string("level"));
        List<String> targets = body.stringList("targets");
        if (targets.isEmpty() || targets.size() > MAX_PREVIEW) {
            throw Refusal.badRequest("'targets' holds 1 to " + MAX_PREVIEW + " targets");
        }
        targets.forEach(t -> checkTargetShape(level, t));
        int count = revoker.preview(targets.stream().map(t -> Map.entry(level, t)).toList());
        Json.ok(res, Json.object().add("level", level.wire()).add("targets", targets.size()).add("count", count).build());
    }

    private static Revocations.Level level(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "token" -> Revocations.Level.TOKEN;
            case "agent" -> Revocations.Level.AGENT;
            case "task" -> Revocations.Level.TASK;
            case "chain" -> Revocations.Level.CHAIN;
            default -> throw Refusal.badRequest("'level' must be token, agent, task or chain");
        };
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        bearer.require(req, REVOKE);
        JsonBody body = JsonBody.read(req);
        Revocations.Level level = level(body.string("level"));
        String target = body.string("target");
        checkTargetShape(level, target);
        Revoker.Result result = revoker.revoke(level, target);
        Json.ok(res, Json.object()
                .add("revoked", true)
                .add("level", level.wire())
                .add("target", target)
                .add("count", result.count())
                .build());
    }

    /**
     * The target's form per level (SPEC §2.2): a 400 before anything is touched. Whether an agent (or the
     * tree a jti names) exists is decided by the revocation itself, in its transaction (404).
     */
    private static void checkTargetShape(Revocations.Level level, String target) {
        switch (level) {
            case TOKEN -> {
                if (!Ids.isJti(target)) {
                    throw Refusal.badRequest("a token-level 'target' is a jti: 32 lowercase hex digits");
                }
            }
            case TASK -> {
                if (!Ids.isTaskOrOrchId(target)) {
                    throw Refusal.badRequest("a task-level 'target' is a task id: " + Ids.TASK_OR_ORCH_RULE);
                }
            }
            case AGENT, CHAIN -> {
                if (target.length() > MAX_AGENT_ID) {
                    throw Refusal.notFound("no such agent");
                }
            }
            case SUPERSEDED -> throw Refusal.badRequest("'level' must be token, agent, task or chain");
        }
    }

    private void feed(ServerRequest req, ServerResponse res) {
        TokenClaims caller = bearer.require(req);
        if (caller.kind() == TokenClaims.Kind.AGENT) {
            throw Refusal.insufficientScope("the revocation feed is for admin and app tokens");
        }
        long since = QueryParameter.number(req.query().first("since").asOptional(), "since", 0, 0);
        int limit = (int) Math.min(MAX_FEED, Math.max(1, QueryParameter.number(req.query().first("limit").asOptional(), "limit", MAX_FEED, 0)));
        var entries = revoker.feed(since, limit);
        var array = Json.array();
        for (var e : entries) {
            array.add(Json.object()
                    .add("seq", e.seq())
                    .add("level", e.level())
                    .add("target", e.target())
                    .add("revoked_at", Json.time(Instant.ofEpochSecond(e.revokedAt())))
                    .add("expires_at", Json.time(Instant.ofEpochSecond(e.expiresAt()))));
        }
        Json.ok(res, Json.object().add("entries", array)
                .add("next", entries.isEmpty() ? since : entries.getLast().seq()).build());
    }
}
