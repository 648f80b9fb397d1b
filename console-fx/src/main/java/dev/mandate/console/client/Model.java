package dev.mandate.console.client;

import java.time.Instant;
import java.util.List;

/** The broker's operator views, as records. */
public final class Model {

    private Model() {
    }

    public record TokenView(String jti, List<String> scope, Instant issuedAt, Instant expiresAt,
                            Instant effectiveExpiresAt, String state, String parentJti, int depth) {
    }

    public record AgentView(String agentId, String appId, String orchId, String taskId, String state,
                            List<TokenView> tokens) {
    }

    /**
     * What the agents tab asks the broker for: agents whose id, orch, task or scope contains {@code text}
     * (blank: any), sorted by {@code sort} ({@code registered}, {@code agent} or {@code expires}: time left).
     */
    public record AgentQuery(String text, String sort, boolean ascending) {
        /** Every agent, newest first: what the tab shows until the operator filters or sorts. */
        public static final AgentQuery NEWEST = new AgentQuery("", "registered", false);
    }

    /** One page of agents in the order asked, and how many match in all. */
    public record AgentPage(List<AgentView> agents, long total, int offset, int limit) {
    }

    /** One event of {@code /v1/admin/events}; absent fields are null. */
    public record LiveEvent(long seq, String type, Instant at, String agentId, String jti, String taskId,
                            String orchId, String level, String target, Integer count, String kid) {
    }

    /** A signing key; {@code liveTokens}: the live tokens it signed, which a revocation of it would kill. */
    public record KeyView(String kid, String state, String label, Instant createdAt, Instant activatedAt,
                          Instant retiredAt, long liveTokens) {
    }

    public record AuditRow(long id, String timestamp, String type, String agentId, String taskId, String detail,
                           String outcome) {
    }

    /** What the audit tab filters on; blank or null: any. */
    public record AuditQuery(String eventType, String agentId, String taskId, String outcome) {
    }

    /** A page of audit events, newest first, and how many match in all. */
    public record AuditPage(List<AuditRow> rows, long total, int page, int pageSize) {
    }

    public record Verification(boolean valid, long events, Long firstBrokenId) {
    }

    /** The broker's health; {@code nodes} lists the cluster's nodes when several brokers share a database (else empty). */
    public record Health(String status, String hsm, boolean dbConnected, List<Node> nodes) {
    }

    /** A node of a cluster: its heartbeat's age, whether it can answer from memory, whether it is the one asked. */
    public record Node(String name, long lagMillis, boolean current, boolean self) {
    }

    /** An app just registered, with the client secret the broker shows once (never logged, never kept). */
    public record CreatedApp(AppView app, String clientSecret) {
        @Override
        public String toString() {
            return "CreatedApp[" + app + ", clientSecret=<redacted>]";
        }
    }

    /** A registered app (never its secret). */
    public record AppView(String appId, String name, String clientId, List<String> scopes, int tokenTtl, String status,
                          Instant createdAt) {
        public boolean active() {
            return "active".equals(status);
        }
    }

    /** What deactivating an app did: its agents revoked (with {@code revoke_agents}) and the live tokens that died. */
    public record Deactivation(String appId, String status, int revokedAgents, int count) {
    }

    /**
     * The overview: agents registered, unexpired agent tokens by state, apps by status, keys by state,
     * revocation entries in force, and rates (per second) per interval, each point's values in {@code series} order.
     */
    public record Overview(long agents, java.util.Map<String, Long> tokens, java.util.Map<String, Long> apps,
                           java.util.Map<String, Long> keys, long revocationEntries, List<String> series,
                           List<RatePoint> points) {
    }

    public record RatePoint(Instant at, List<Double> perSecond) {
    }

    /** A node of a delegation tree as the broker tells it: its holder, token, scope, expiry and state now. */
    public record ChainNode(String agentId, String jti, List<String> scope, Instant issuedAt, Instant expiresAt,
                            String state, List<ChainNode> children) {
    }
}
