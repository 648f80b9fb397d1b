package dev.mandate.server.token;

import dev.mandate.server.claims.Lineage;

import java.util.ArrayList;
import java.util.List;

/**
 * A token as the broker recorded it: what the operator views and the live-token index are built from.
 * {@code ancestors} alternates agent and jti, root first; {@code state} is the stored state ({@code expired}
 * is read off the clock by whoever shows it).
 */
public record TokenRecord(String jti, String subject, String taskId, String scope, long issuedAt, long expiresAt,
                          String parentJti, String kid, TokenState state, String rootAgent, List<String> ancestors)
        implements Lineage {

    public TokenRecord {
        ancestors = List.copyOf(ancestors);
    }

    @Override
    public int depth() {
        return ancestors.size() / 2;
    }

    @Override
    public String ancestorAgent(int i) {
        return ancestors.get(2 * i);
    }

    @Override
    public String ancestorJti(int i) {
        return ancestors.get(2 * i + 1);
    }

    /** The jtis of every ancestor, root first. */
    public List<String> ancestorJtis() {
        List<String> jtis = new ArrayList<>(depth());
        for (int i = 0; i < depth(); i++) {
            jtis.add(ancestorJti(i));
        }
        return jtis;
    }

    public List<String> scopes() {
        return List.of(scope.split(" "));
    }
}
