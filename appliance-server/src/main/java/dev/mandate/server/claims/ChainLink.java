package dev.mandate.server.claims;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
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

    /** A link for a delegation made at {@code at}: the time in RFC 3339 UTC, to the second, as the claim carries it. */
    public static ChainLink delegated(String agent, String jti, List<String> scope, Instant at) {
        return new ChainLink(agent, jti, scope, at.truncatedTo(ChronoUnit.SECONDS).toString());
    }
}
