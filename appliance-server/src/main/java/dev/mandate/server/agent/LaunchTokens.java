package dev.mandate.server.agent;

import dev.mandate.server.audit.Audit;
import dev.mandate.server.journal.Journal;
import dev.mandate.server.error.Refusal;
import dev.mandate.server.scope.Scopes;
import dev.mandate.server.storage.Database;
import dev.mandate.server.token.Tokens;
import dev.mandate.server.claims.TokenClaims;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/** Creating launch tokens for the operator and for apps. */
public final class LaunchTokens {

    private static final SecureRandom RANDOM = new SecureRandom();
    static final int DEFAULT_TTL = 30;
    static final int DEFAULT_MAX_TTL = 300;

    /** A new launch token; the token itself exists only in this answer. */
    public record Created(String launchToken, Instant expiresAt, Scopes allowedScope, int maxTtl, boolean senderConstrained) {
        @Override
        public String toString() {
            return "Created[expiresAt=" + expiresAt + "]";
        }
    }

    /** The request, as parsed from the body; {@code senderConstrained}: the agents' tokens bound to their keys. */
    public record Request(String agentName, Scopes allowedScope, Optional<Long> maxTtl, Optional<Boolean> singleUse,
                          Optional<Long> ttl, boolean senderConstrained) {
    }

    private final Database db;
    private final Journal journal;
    private final Duration maxTokenTtl;
    private final java.time.Clock clock;
    private final JdbcLaunchTokenStore store = new JdbcLaunchTokenStore();
    private final Tokens tokens;
    private final Ceilings ceilings;

    /** An app's scope ceiling as the transaction sees it; empty when the app is not active. */
    @FunctionalInterface
    public interface Ceilings {
        Optional<dev.mandate.server.app.Ceiling> activeCeiling(Database.Tx tx, String appId);
    }

    public LaunchTokens(Database db, Journal journal, Duration maxTokenTtl, java.time.Clock clock, Tokens tokens,
                        Ceilings ceilings) {
        this.tokens = tokens;
        this.ceilings = ceilings;
        this.db = db;
        this.journal = journal;
        this.maxTokenTtl = maxTokenTtl;
        this.clock = clock;
    }

    /**
     * Creates a launch token for {@code caller}, an admin or an app token; for an app, {@code ceiling} is
     * its scope ceiling and the allowed scope must be within it (else 403). The caller's token and app are
     * checked again in the transaction that stores the launch token.
     */
    public Created create(TokenClaims caller, String appId, Optional<Scopes> ceiling, Request r) {
        String createdBy = caller.subject();
        if (r.agentName().length() > 256) {
            throw Refusal.badRequest("'agent_name' must be at most 256 characters");
        }
        if (r.allowedScope().isEmpty()) {
            throw Refusal.badRequest("'allowed_scope' must not be empty");
        }
        if (r.allowedScope().anyReserved()) {
            throw Refusal.badRequest("'allowed_scope' must not hold admin: or app: scopes");
        }
        long ttl = r.ttl().orElse((long) DEFAULT_TTL);
        long maxTtl = r.maxTtl().orElse((long) DEFAULT_MAX_TTL);
        if (ttl <= 0) {
            throw Refusal.invalidTtl("'ttl' must be positive");
        }
        if (maxTtl <= 0) {
            throw Refusal.invalidTtl("'max_ttl' must be positive");
        }
        // Above the ceiling is capped, not refused (SPEC §2.1); a launch token never outlives it either.
        maxTtl = Math.min(maxTtl, maxTokenTtl.toSeconds());
        ttl = Math.min(ttl, maxTokenTtl.toSeconds());
        if (ceiling.isPresent() && !r.allowedScope().within(ceiling.get())) {
            throw journal.refuse(Audit.denied("scope_ceiling_exceeded", "created_by=" + createdBy
                    + " allowed_scope=" + r.allowedScope().strings() + " ceiling=" + ceiling.get().strings()),
                    Refusal.forbidden("'allowed_scope' exceeds the app's scope ceiling"));
        }
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = HexFormat.of().formatHex(raw);
        Instant now = clock.instant();
        Instant expires = now.plusSeconds(ttl);
        long maxTtlFinal = maxTtl;
        LaunchPolicy policy = db.write(tx -> {
            if (!tokens.isLive(tx, caller)) {
                throw Refusal.tokenVerificationFailed();
            }
            boolean bound = r.senderConstrained();
            if (appId != null) {
                // The ceiling checked above may have been narrowed, or the app deactivated, since: decide here.
                var current = ceilings.activeCeiling(tx, appId).orElseThrow(Refusal::tokenVerificationFailed);
                if (!r.allowedScope().within(current.scopes())) {
                    throw Refusal.forbidden("'allowed_scope' exceeds the app's scope ceiling");
                }
                bound = bound || current.senderConstrained();
            }
            LaunchPolicy p = new LaunchPolicy(r.agentName(), r.allowedScope(), (int) maxTtlFinal,
                    r.singleUse().orElse(true), appId, bound);
            store.insert(tx, hash(token), p, createdBy, now.getEpochSecond(), expires.getEpochSecond());
            journal.record(tx, Audit.success("launch_token_issued", "created_by=" + createdBy + " agent_name="
                    + r.agentName() + " allowed_scope=" + r.allowedScope().strings() + " max_ttl=" + maxTtlFinal
                    + " single_use=" + p.singleUse() + (p.senderConstrained() ? " sender_constrained=true" : "")));
            return p;
        });
        return new Created(token, expires, r.allowedScope(), (int) maxTtl, policy.senderConstrained());
    }

    static String hash(String launchToken) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(launchToken.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
