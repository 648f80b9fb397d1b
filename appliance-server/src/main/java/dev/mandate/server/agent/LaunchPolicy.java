package dev.mandate.server.agent;

import dev.mandate.server.scope.Scopes;

/**
 * What a launch token allows: the scope ceiling and the agent token's lifetime (seconds); with
 * {@code senderConstrained}, the agent's tokens are bound to the key it registers (RFC 9449).
 */
record LaunchPolicy(String agentName, Scopes allowedScope, int maxTtl, boolean singleUse, String appId,
                    boolean senderConstrained) {

    /** This policy, its agents' tokens bound to their keys (an app's ceiling may require it). */
    LaunchPolicy bound() {
        return new LaunchPolicy(agentName, allowedScope, maxTtl, singleUse, appId, true);
    }
}
