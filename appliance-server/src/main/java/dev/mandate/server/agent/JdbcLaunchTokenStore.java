package dev.mandate.server.agent;

import dev.mandate.server.scope.Scopes;
import dev.mandate.server.storage.Database;

import java.util.Arrays;
import java.util.Optional;

/** The {@code launch_tokens} table, keyed by the SHA-256 of the token. */
final class JdbcLaunchTokenStore {

    void insert(Database.Tx tx, String tokenHash, LaunchPolicy p, String createdBy, long createdAt, long expiresAt) {
        tx.update("""
                INSERT INTO launch_tokens (token_hash, agent_name, allowed_scope, max_ttl, single_use, created_by, app_id,
                                           created_at, expires_at, sender_constrained)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", tokenHash, p.agentName(), String.join(" ", p.allowedScope().strings()),
                p.maxTtl(), p.singleUse(), createdBy, p.appId(), createdAt, expiresAt, p.senderConstrained());
    }

    /**
     * The policy of a launch token that is unexpired and unconsumed at {@code now} (whether its app is still
     * active is the caller's to ask). {@code lock}: locked for this (write) transaction; without, a read ahead
     * of it.
     */
    Optional<LaunchPolicy> usable(Database.Tx tx, String tokenHash, long now, boolean lock) {
        return tx.first("""
                SELECT agent_name, allowed_scope, max_ttl, single_use, app_id, sender_constrained FROM launch_tokens
                WHERE token_hash = ? AND expires_at > ? AND consumed_at IS NULL""" + (lock ? " FOR UPDATE" : ""), rs -> new LaunchPolicy(rs.getString(1),
                Scopes.trusted(Arrays.asList(rs.getString(2).split(" "))), rs.getInt(3), rs.getBoolean(4),
                rs.getString(5), rs.getBoolean(6)), tokenHash, now);
    }

    void consume(Database.Tx tx, String tokenHash, long now) {
        tx.update("UPDATE launch_tokens SET consumed_at = ? WHERE token_hash = ?", now, tokenHash);
    }
}
