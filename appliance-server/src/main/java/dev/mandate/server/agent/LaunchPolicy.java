package dev.mandate.server.agent;

import dev.mandate.server.scope.Scopes;

/** What a launch token allows: the scope ceiling and the agent token's lifetime (seconds). */
record LaunchPolicy(String agentName, Scopes allowedScope, int maxTtl, boolean singleUse, String appId) {
}
