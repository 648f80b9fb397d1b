package dev.mandate.server.audit;

import java.util.Objects;

/**
 * What a component asks the log to record. Build with {@link #success} or {@link #denied}, add the
 * subject with {@link #agent}. The detail is shown to operators: ids, jtis, scopes and counts only.
 */
public record Audit(String eventType, String agentId, String taskId, String orchId, String detail, Outcome outcome) {

    /** How the audited request ended. */
    public enum Outcome {
        SUCCESS, DENIED;

        /** As stored and hashed (SPEC §6): {@code success} or {@code denied}. */
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Audit {
        Objects.requireNonNull(eventType, "eventType");
        agentId = Objects.requireNonNullElse(agentId, "");
        taskId = Objects.requireNonNullElse(taskId, "");
        orchId = Objects.requireNonNullElse(orchId, "");
        detail = Objects.requireNonNullElse(detail, "");
        if (detail.length() > 4000) {
            detail = detail.substring(0, 4000);
        }
        Objects.requireNonNull(outcome, "outcome");
    }

    public static Audit success(String eventType, String detail) {
        return new Audit(eventType, "", "", "", detail, Outcome.SUCCESS);
    }

    public static Audit denied(String eventType, String detail) {
        return new Audit(eventType, "", "", "", detail, Outcome.DENIED);
    }

    public Audit detail(String detail) {
        return new Audit(eventType, agentId, taskId, orchId, detail, outcome);
    }

    public Audit agent(String agentId, String taskId, String orchId) {
        return new Audit(eventType, agentId, taskId, orchId, detail, outcome);
    }
}
