package dev.mandate.server.audit;

import dev.mandate.server.error.Refusal;
import dev.mandate.server.http.ApiRoutes;
import dev.mandate.server.http.Json;
import dev.mandate.server.http.QueryParameter;
import dev.mandate.server.scope.Scope;
import dev.mandate.server.http.Bearer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** {@code GET /v1/audit/events} and {@code GET /v1/audit/verify}. */
public record AuditEndpoint(AuditLog log, Bearer bearer) {

    private static final Scope AUDIT = Scope.parse("admin:audit:*");
    static final int MAX_LIMIT = 1000;

    public void routing(ApiRoutes routes) {
        routes.get("/v1/audit/events", this::events)
              .get("/v1/audit/verify", this::verify);
    }

    private void events(ServerRequest req, ServerResponse res) {
        bearer.require(req, AUDIT);
        var q = req.query();
        int limit = (int) Math.min(MAX_LIMIT, QueryParameter.number(q.first("limit").asOptional(), "limit", 100, 1));
        int offset = (int) Math.min(Integer.MAX_VALUE, QueryParameter.number(q.first("offset").asOptional(), "offset", 0, 0));
        var page = log.query(new AuditLog.Query(
                q.first("agent_id").asOptional().orElse(null),
                q.first("task_id").asOptional().orElse(null),
                q.first("event_type").asOptional().orElse(null),
                q.first("outcome").asOptional().orElse(null),
                time(q.first("since").asOptional(), "since"),
                time(q.first("until").asOptional(), "until"),
                limit, offset));
        var events = Json.array();
        page.events().forEach(e -> events.add(json(e)));
        Json.ok(res, Json.object().add("events", events).add("total", page.total())
                .add("offset", offset).add("limit", limit).build());
    }

    private void verify(ServerRequest req, ServerResponse res) {
        bearer.require(req, AUDIT);
        AuditLog.Verification v = log.verify();
        var body = Json.object().add("valid", v.valid()).add("events", v.events()).add("head_hash", v.headHash());
        if (v.firstBrokenId() == null) {
            body.addNull("first_broken_id");
        } else {
            body.add("first_broken_id", v.firstBrokenId());
        }
        Json.ok(res, body.build());
    }

    static jakarta.json.JsonObject json(AuditEvent e) {
        return Json.object()
                .add("id", e.id())
                .add("timestamp", e.timestamp())
                .add("event_type", e.eventType())
                .add("agent_id", e.agentId())
                .add("task_id", e.taskId())
                .add("orch_id", e.orchId())
                .add("detail", e.detail())
                .add("outcome", e.outcome())
                .add("prev_hash", e.prevHash())
                .add("hash", e.hash())
                .build();
    }

    private static Instant time(Optional<String> value, String name) {
        if (value.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.get()).toInstant();
        } catch (DateTimeParseException e) {
            throw Refusal.badRequest("'" + name + "' must be an RFC 3339 time");
        }
    }
}
