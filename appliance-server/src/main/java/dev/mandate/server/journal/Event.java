package dev.mandate.server.journal;


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
}
