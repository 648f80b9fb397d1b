package dev.mandate.server.live;

import dev.mandate.server.http.Json;
import jakarta.json.JsonObject;

import java.time.Instant;

/** One lifecycle event; fields that do not apply are null (and left out of the JSON). */
public record Event(long seq, String type, Instant at, String agentId, String jti, String taskId, String orchId,
                    String level, String target, Integer count, String kid) {

    /** An event about to be recorded (its sequence number and time are given by {@link EventLog}). */
    public static Event of(String type) {
        return new Event(0, type, null, null, null, null, null, null, null, null, null);
    }

    public Event agent(String agentId, String taskId, String orchId) {
        return new Event(seq, type, at, agentId, jti, taskId, orchId, level, target, count, kid);
    }

    public Event jti(String jti) {
        return new Event(seq, type, at, agentId, jti, taskId, orchId, level, target, count, kid);
    }

    public Event revocation(String level, String target, int count) {
        return new Event(seq, type, at, agentId, jti, taskId, orchId, level, target, count, kid);
    }

    public Event kid(String kid) {
        return new Event(seq, type, at, agentId, jti, taskId, orchId, level, target, count, kid);
    }

    Event stamped(long seq, Instant at) {
        return new Event(seq, type, at, agentId, jti, taskId, orchId, level, target, count, kid);
    }

    public JsonObject json() {
        var o = Json.object().add("seq", seq).add("type", type).add("at", Json.time(at));
        optional(o, "agent_id", agentId);
        optional(o, "jti", jti);
        optional(o, "task_id", taskId);
        optional(o, "orch_id", orchId);
        optional(o, "level", level);
        optional(o, "target", target);
        if (count != null) {
            o.add("count", count);
        }
        optional(o, "kid", kid);
        return o.build();
    }

    private static void optional(jakarta.json.JsonObjectBuilder o, String name, String value) {
        if (value != null && !value.isEmpty()) {
            o.add(name, value);
        }
    }
}
