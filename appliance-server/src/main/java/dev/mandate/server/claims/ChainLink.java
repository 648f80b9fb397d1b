package dev.mandate.server.claims;

import java.util.List;
import java.util.Objects;

/** One ancestor in a delegation chain: the delegating agent, its token, its scope, when. */
public record ChainLink(String agent, String jti, List<String> scope, String delegatedAt) {
    public ChainLink {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(jti, "jti");
        scope = List.copyOf(scope);
        Objects.requireNonNull(delegatedAt, "delegatedAt");
    }
}
