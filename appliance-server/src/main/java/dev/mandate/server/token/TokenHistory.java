package dev.mandate.server.token;

import dev.mandate.server.revocation.Ledgers;
import dev.mandate.server.storage.Database;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the broker recorded of the tokens it issued: read for the operator's views, the live-token index
 * at start-up and revocation's walks; the one change made through it is revocation's mark. Every other
 * change to a token's row goes through {@link Tokens}. The tokens table's store is its implementation.
 */
public interface TokenHistory extends Ledgers.Tokens {

    static TokenHistory jdbc() {
        return new JdbcTokenStore();
    }

    /** Tokens still {@code active} in the database that expire after {@code now}. */
    List<TokenRecord> unexpiredActive(Database.Tx tx, long now);

    /** How many agent tokens that expire after {@code now} are in each recorded state (active, revoked, …). */
    Map<String, Long> unexpiredAgentTokensByState(Database.Tx tx, long now);

    /** Every token held by one of {@code agentIds}, oldest first. */
    List<TokenRecord> heldBy(Database.Tx tx, Collection<String> agentIds);

    /** Every token of the delegation tree rooted at {@code rootAgent}, oldest first. */
    List<TokenRecord> tree(Database.Tx tx, String rootAgent);

    /** The latest expiry (epoch seconds) of a token signed by {@code kid}; empty if it signed none. */
    Optional<Long> lastExpirySignedBy(Database.Tx tx, String kid);

    /** The expiry (epoch seconds) of each of {@code jtis} the broker issued. */
    Map<String, Long> expiries(Database.Tx tx, Collection<String> jtis);
}
