package dev.mandate.server.agent;

import dev.mandate.server.app.Apps;
import dev.mandate.server.revocation.Ledgers;
import dev.mandate.server.storage.Database;
import dev.mandate.server.token.Dpop;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The registered agents, as other capabilities need to know them inside their transactions: whether an
 * agent exists and is revoked (delegation), and when its absolute lifetime ends (renewal). Made first in
 * the wiring, since token issuance and registration both depend on it.
 */
public final class Agents implements Ledgers.Agents, Apps.Launched {

    /** A registered agent is active until revoked at agent level or chain-revoked by its id. */
    public enum Status { ACTIVE, REVOKED }

    private final JdbcAgentStore store = new JdbcAgentStore();

    public Optional<Status> status(Database.Tx tx, String agentId) {
        return store.revoked(tx, agentId).map(revoked -> revoked ? Status.REVOKED : Status.ACTIVE);
    }

    /** The raw 32 bytes of the Ed25519 public key the agent registered; empty for an unknown agent. It never changes. */
    public Optional<byte[]> publicKey(Database.Tx tx, String agentId) {
        return store.publicKey(tx, agentId).map(java.util.Base64.getDecoder()::decode);
    }

    /**
     * The RFC 7638 thumbprint of the key every token of the agent must be bound to (its launch token or its
     * app asked for it); empty when its tokens may be bearer tokens, or for an unknown agent.
     */
    public Optional<String> requiredBinding(Database.Tx tx, String agentId) {
        return store.boundKey(tx, agentId).map(key -> Dpop.thumbprint(java.util.Base64.getDecoder().decode(key)));
    }

    @Override
    public void requireBinding(Database.Tx tx, String appId) {
        store.requireBinding(tx, appId);
    }

    /** When the agent's absolute lifetime ends (token.max-lifetime after registration); empty if unknown. */
    public Optional<Instant> lifetimeEnd(Database.Tx tx, String agentId) {
        return store.lifetimeEnd(tx, agentId);
    }

    @Override
    public boolean isAgent(Database.Tx tx, String agentId) {
        return store.revoked(tx, agentId).isPresent();
    }

    @Override
    public void markRevoked(Database.Tx tx, String agentId, long now) {
        store.markRevoked(tx, agentId, now);
    }

    @Override
    public List<String> agentsOf(Database.Tx tx, String appId) {
        return store.launchedBy(tx, appId);
    }

    @Override
    public Optional<String> appIdOf(Database.Tx tx, String agentId) {
        return store.appIdOf(tx, agentId);
    }

    /**
     * The agents matching {@code filter} in {@code order} as of {@code now} (epoch seconds: by time left, an
     * agent whose token has expired has none): all of them, or one page when {@code limit} is given.
     */
    public List<AgentRecord> matching(Database.Tx tx, AgentRecord.Filter filter, AgentRecord.Order order, long now,
                                      Integer limit, int offset) {
        return store.matching(tx, filter, order, now, limit, offset);
    }

    /** How many agents match {@code filter}. */
    public long count(Database.Tx tx, AgentRecord.Filter filter) {
        return store.count(tx, filter);
    }
}
