package dev.mandate.server.live;

import dev.mandate.server.journal.EventLog;
import dev.mandate.server.journal.Event;
import dev.mandate.server.error.Refusal;
import dev.mandate.server.http.ApiRoutes;
import dev.mandate.server.http.Json;
import dev.mandate.server.scope.Scope;
import dev.mandate.server.http.Bearer;
import dev.mandate.server.claims.TokenClaims;
import io.helidon.http.HeaderNames;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /v1/admin/events}: Server-Sent Events. Replays retained events after {@code Last-Event-ID}
 * (or {@code ?since=}), then says so (the comment {@code : live}) and streams new ones; a comment every
 * {@code heartbeat}. The token that opened
 * the stream is checked again before every event and heartbeat, and the stream ends when it expires or
 * is revoked (a revocation is itself an event, so that is at once); the client re-authenticates and resumes.
 *
 * <p>Written by hand rather than with {@code helidon-webserver-sse}: at Helidon 4.2.0 its sink cannot emit a
 * comment-only event (the heartbeat fails with "no media writer for class Object"), and 4.5.0, which fixes
 * that, writes {@code data:<json>} without the space SPEC §2.4 shows, which clients matching
 * {@code "data: "} (our own test reader among them) would no longer read. Both were tried.
 */
public record EventStream(EventLog log, Bearer bearer, Duration heartbeat, int queueCapacity, java.time.Clock clock) {

    private static final Scope AUDIT = Scope.parse("admin:audit:*");
    private static final int REPLAY_PAGE = 1000;

    public void routing(ApiRoutes routes) {
        routes.get("/v1/admin/events", this::stream);
    }

    private void stream(ServerRequest req, ServerResponse res) {
        TokenClaims caller = bearer.require(req, AUDIT);
        String token = bearer.presented(req);
        long last = lastEventId(req);
        // Subscribe before replaying so nothing committed in between is missed; duplicates are skipped by seq.
        EventLog.Subscriber subscriber = log.subscribe(queueCapacity);
        try {
            res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            try (OutputStream out = res.outputStream()) {
                write(out, ": mandate event stream\n\n");
                while (true) {
                    List<Event.Recorded> page = log.since(last, REPLAY_PAGE);
                    for (Event.Recorded e : page) {
                        last = send(out, e);
                    }
                    if (page.size() < REPLAY_PAGE) {
                        break;
                    }
                }
                // Caught up: what follows is new. A comment, which SSE clients skip; the console shows "live" on it.
                // Not to a subscriber that fell behind meanwhile: its stream ends below, and it resumes.
                if (!subscriber.overflowed()) {
                    write(out, ": live\n\n");
                }
                while (!subscriber.overflowed()) {
                    long untilExpiry = caller.expiresAt().toEpochMilli() - clock.millis();
                    Event.Recorded e = subscriber.poll(Math.max(1, Math.min(heartbeat.toMillis(), untilExpiry)));
                    if (bearer.verify(token).isEmpty()) {
                        break;   // expired or revoked: the stream ends here, and nothing more is sent on it
                    }
                    if (e == null) {
                        write(out, ": heartbeat\n\n");
                    } else if (e.seq() > last) {
                        last = send(out, e);
                    }
                }
                // Too slow: drop it; it resumes from its last id.
            }
        } catch (IOException | UncheckedIOException e) {
            // The client went away.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            log.unsubscribe(subscriber);
        }
    }

    private static long send(OutputStream out, Event.Recorded e) throws IOException {
        write(out, "id: " + e.seq() + "\nevent: " + e.event().type() + "\ndata: "
                + new String(Json.bytes(json(e)), StandardCharsets.UTF_8) + "\n\n");
        return e.seq();
    }

    /** The event's {@code data:} line (SPEC §2.4): its sequence number, type and time, then its own facts. */
    static JsonObject json(Event.Recorded recorded) {
        JsonObjectBuilder o = Json.object().add("seq", recorded.seq()).add("type", recorded.event().type())
                .add("at", Json.time(recorded.at()));
        switch (recorded.event()) {
            case Event.AgentRegistered e -> agent(o, e.agentId(), e.taskId(), e.orchId());
            case Event.TokenIssued e -> agent(o, e.agentId(), e.taskId(), e.orchId()).add("jti", e.jti());
            case Event.TokenRenewed e -> agent(o, e.agentId(), e.taskId(), e.orchId()).add("jti", e.jti());
            case Event.TokenReleased e -> agent(o, e.agentId(), e.taskId(), e.orchId()).add("jti", e.jti());
            case Event.TokenExpired e -> agent(o, e.agentId(), e.taskId(), null).add("jti", e.jti());
            case Event.DelegationCreated e -> agent(o, e.agentId(), e.taskId(), e.orchId()).add("jti", e.jti());
            case Event.TokenRevoked e -> {
                // The target also under its own name, as clients filtering by agent, task or jti expect.
                switch (e.level()) {
                    case "agent" -> o.add("agent_id", e.target());
                    case "task" -> o.add("task_id", e.target());
                    case "token" -> o.add("jti", e.target());
                    default -> { }
                }
                o.add("level", e.level()).add("target", e.target()).add("count", e.count());
            }
            case Event.KeyRotated e -> o.add("kid", e.kid());
            case Event.KeyRevoked e -> o.add("level", "key").add("target", e.kid()).add("count", e.count()).add("kid", e.kid());
        }
        return o.build();
    }

    private static JsonObjectBuilder agent(JsonObjectBuilder o, String agentId, String taskId, String orchId) {
        optional(o, "agent_id", agentId);
        optional(o, "task_id", taskId);
        optional(o, "orch_id", orchId);
        return o;
    }

    private static void optional(JsonObjectBuilder o, String name, String value) {
        if (value != null && !value.isEmpty()) {
            o.add(name, value);
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static long lastEventId(ServerRequest req) {
        String value = req.headers().first(HeaderNames.create("Last-Event-ID"))
                .or(() -> req.query().first("since").asOptional()).orElse("0");
        try {
            long n = Long.parseLong(value.strip());
            if (n < 0) {
                throw Refusal.badRequest("Last-Event-ID must not be negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw Refusal.badRequest("Last-Event-ID must be a whole number");
        }
    }
}
