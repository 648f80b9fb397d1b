package dev.mandate.console.client;

import java.net.URI;
import java.util.List;

/**
 * What the console asks of a broker, as its view-models see it: {@link BrokerClient} talks to a real one;
 * a view-model test may use a fake where a real broker is not the point.
 */
public interface BrokerApi {

    URI base();

    Model.Health health();

    /** One page of the agents {@code query} matches, with their tokens: {@code limit} (at most 1000) from {@code offset}. */
    Model.AgentPage agents(Model.AgentQuery query, int offset, int limit);

    /** Revokes at {@code level} ({@code token}, {@code agent}, {@code task}, {@code chain}); the live tokens killed. */
    int revoke(String level, String target);

    /** How many live tokens revoking every one of {@code targets} at {@code level} would kill, each once; sends no revocation. */
    int previewRevocation(String level, List<String> targets);

    List<Model.KeyView> keys();

    /** Revokes the key: every live token it signed dies now; the number killed. */
    int revokeKey(String kid);

    /** Rotates at once; the kid now signing. */
    String rotateNow();

    /**
     * One page of the audit events {@code query} matches, newest first; page 0 holds the newest. Pages count
     * back from {@code anchorTotal} matching events (0: as many as match now), so a later page does not
     * repeat events that arrived after an earlier one was read.
     */
    Model.AuditPage auditPage(Model.AuditQuery query, int page, int pageSize, long anchorTotal);

    /** The latest audit events naming {@code agentId}, newest first. */
    List<Model.AuditRow> auditOf(String agentId);

    /** The delegation tree {@code root} (an agent id or a jti) belongs to. */
    Model.ChainNode chain(String root);

    /** The trees of up to 200 {@code roots} in one request, in order; null for a root without a tree. */
    List<Model.ChainNode> chains(List<String> roots);

    /** Every registered app. */
    List<Model.AppView> apps();

    /** Registers an app; its client secret is in the answer and nowhere else, ever. {@code tokenTtl}: null for the default. */
    Model.CreatedApp createApp(String name, List<String> scopes, Long tokenTtl);

    /** Changes an app's scope ceiling and, when given, its token lifetime. */
    Model.AppView updateApp(String appId, List<String> scopes, Long tokenTtl);

    /** Deactivates the app (its tokens and launch tokens die); with {@code revokeAgents}, its agents' trees too. */
    Model.Deactivation deactivate(String appId, boolean revokeAgents);

    Model.Verification verify();

    /** What the broker holds now, and its rates over the last 15 minutes. */
    Model.Overview overview();
}
