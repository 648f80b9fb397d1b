package dev.mandate.server.token;

import dev.mandate.server.revocation.Ledgers;
import dev.mandate.server.storage.Database;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the broker recorded of the tokens it issued: read for the operator's views, the live-token index
 * at start-up and revocation's walks; the one change made here is revocation's mark. Every other change
 * to a token's row goes through {@link Tokens}.
 */
public final class TokenHistory implements Ledgers.Tokens {

    private final JdbcTokenStore store = new JdbcTokenStore();

    /** Tokens still {@code active} in the database that expire after {@code now}. */
    public List<TokenRecord> unexpiredActive(Database.Tx tx, long now) {
        return store.unexpiredActive(tx, now);
    }

    /** Every token held by one of {@code agentIds}, oldest first. */
    public List<TokenRecord> heldBy(Database.Tx tx, Collection<String> agentIds) {
        return store.heldBy(tx, agentIds);
    }

    /** Every token of the delegation tree rooted at {@code rootAgent}, oldest first. */
    public List<TokenRecord> tree(Database.Tx tx, String rootAgent) {
        return store.tree(tx, rootAgent);
    }

    /** The root agent of the tree a token belongs to; empty for a jti the broker never issued. */
    @Override
    public Optional<String> rootOf(Database.Tx tx, String jti) {
        return store.rootOf(tx, jti);
    }

    @Override
    public Optional<Long> expiresAt(Database.Tx tx, String jti) {
        return store.expiresAt(tx, jti);
    }

    @Override
    public Set<String> issuedTo(Database.Tx tx, String agent) {
        return store.issuedTo(tx, agent);
    }

    @Override
    public Set<String> treesOf(Database.Tx tx, String agent) {
        return store.treesOf(tx, agent);
    }

    @Override
    public List<String> succession(Database.Tx tx, String jti) {
        return store.succession(tx, jti);
    }

    @Override
    public List<String> unexpiredSignedBy(Database.Tx tx, String kid, long since) {
        return store.unexpiredSignedBy(tx, kid, since);
    }

    @Override
    public void markRevoked(Database.Tx tx, String jti, long now) {
        store.setState(tx, jti, TokenState.REVOKED, now);
    }

    /** The expiry (epoch seconds) of each of {@code jtis} the broker issued. */
    public Map<String, Long> expiries(Database.Tx tx, Collection<String> jtis) {
        return store.expiries(tx, jtis);
    }
}
