package dev.mandate.server.revocation;

import dev.mandate.server.storage.Database;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a revocation reaches in the tables it does not own, asked of their owners inside the revoking
 * transaction: the {@code tokens} table (owned by {@code token}) and the {@code agents} table (owned by
 * {@code agent}). Declared here so that revocation depends on no capability; the wiring hands in the owners.
 */
public final class Ledgers {

    private Ledgers() {
    }

    /** The recorded tokens, as revocation needs them. */
    public interface Tokens {
        /** A token's expiry (epoch seconds), if the broker issued it. */
        Optional<Long> expiresAt(Database.Tx tx, String jti);

        /** The root agent of a token's tree, if the broker issued it. */
        Optional<String> rootOf(Database.Tx tx, String jti);

        /** Every token (live or not) ever issued to {@code agent}. */
        Set<String> issuedTo(Database.Tx tx, String agent);

        /** The roots of every tree holding a token whose subject is {@code agent}. */
        Set<String> treesOf(Database.Tx tx, String agent);

        /** {@code jti} and every token that renewed it, transitively, in order. */
        List<String> succession(Database.Tx tx, String jti);

        /** Every token signed by {@code kid} that expires after {@code since}, with its expiry (epoch seconds). */
        java.util.Map<String, Long> unexpiredSignedBy(Database.Tx tx, String kid, long since);

        /** A token that renewed another: its jti and its expiry (epoch seconds). */
        record Renewal(String jti, long expiresAt) {
        }

        /**
         * Every renewal issued since the earliest of the tokens {@code kid} signed that expire after {@code since},
         * by the token it renewed: their successions, read at once (a key's revocation walks every token the
         * key signed). A renewal is issued after the token it renews, so none is missed, whatever the settings.
         */
        java.util.Map<String, Renewal> renewalsSinceSignedBy(Database.Tx tx, String kid, long since);

        /**
         * The latest expiry (epoch seconds) of any recorded token an entry at {@code level} for {@code target}
         * matches directly: held by the agent, of the task, or of the tree rooted at the agent. Delegated
         * tokens expire no later than the token they came from.
         */
        java.util.OptionalLong latestExpiry(Database.Tx tx, Revocations.Level level, String target);

        /** Marks an active token revoked, so no issuing transaction accepts it again. */
        void markRevoked(Database.Tx tx, String jti, long now);
    }

    /** The registered agents, as revocation needs them. */
    public interface Agents {
        /** True when {@code agentId} is a registered agent (admin and app subjects never are). */
        boolean isAgent(Database.Tx tx, String agentId);

        /** Marks the agent revoked for good: no renewal, delegation or delegation to it. */
        void markRevoked(Database.Tx tx, String agentId, long now);
    }
}
