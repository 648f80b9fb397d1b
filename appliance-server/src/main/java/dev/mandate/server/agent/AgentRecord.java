package dev.mandate.server.agent;

/** A registered agent as the operator's views show it; {@code appId} is null for an operator-launched agent. */
public record AgentRecord(String agentId, String appId, String orchId, String taskId, long registeredAt, boolean revoked) {

    /** The filters of the operator's agent list; null means any. {@code text} matches ids and scopes, case-insensitively. */
    public record Filter(String appId, String orchId, String taskId, String text) {
    }
}
