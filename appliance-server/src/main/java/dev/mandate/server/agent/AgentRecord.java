package dev.mandate.server.agent;

/** A registered agent as the operator's views show it; {@code appId} is null for an operator-launched agent. */
public record AgentRecord(String agentId, String appId, String orchId, String taskId, long registeredAt, boolean revoked) {

    /** The filters of the operator's agent list; null means any. {@code text} matches ids and scopes, case-insensitively. */
    public record Filter(String appId, String orchId, String taskId, String text) {
    }

    /**
     * The order of the operator's agent list: {@code REGISTERED} (newest first by default), {@code AGENT} (by
     * id), {@code EXPIRES} (by the expiry of the agent's latest own token: least time left first; agents with none left, revoked whole, released or expired, last).
     */
    public enum Sort {
        REGISTERED, AGENT, EXPIRES
    }

    /** A sort and its direction. */
    public record Order(Sort sort, boolean ascending) {
        public static final Order NEWEST = new Order(Sort.REGISTERED, false);
    }
}
