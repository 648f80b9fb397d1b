package dev.mandate.server.token;

import dev.mandate.server.claims.ChainLink;
import dev.mandate.server.claims.TokenClaims;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.mandate.server.keys.TokenSigner;
import dev.mandate.server.scope.Scopes;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the claims of SPEC §3 and has the active HSM key sign them. */
public final class TokenIssuer {

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * What to issue: who, what scope, until when, in which task, below which ancestors, bound to which key
     * ({@code cnfJkt}, its RFC 7638 thumbprint; empty for a bearer token), for whom ({@code audience}, null
     * for the broker's configured audience).
     */
    public record Request(String subject, Scopes scope, Instant expiresAt, String taskId, String orchId,
                          List<ChainLink> chain, String cnfJkt, List<String> audience) {
        public Request {
            chain = List.copyOf(chain);
            cnfJkt = cnfJkt == null ? "" : cnfJkt;
            audience = audience == null ? null : List.copyOf(audience);
        }

        /** A bearer token for the configured audience. */
        public Request(String subject, Scopes scope, Instant expiresAt, String taskId, String orchId, List<ChainLink> chain) {
            this(subject, scope, expiresAt, taskId, orchId, chain, "", null);
        }
    }

    private final TokenSigner signer;
    private final String issuer;
    private final List<String> audience;
    private final Clock clock;

    public TokenIssuer(TokenSigner signer, String issuer, List<String> audience, Clock clock) {
        this.signer = signer;
        this.issuer = issuer;
        this.audience = List.copyOf(audience);
        this.clock = clock;
    }

    public Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    /** The audience of a token asked for no particular resource server. */
    public List<String> audience() {
        return audience;
    }

    public IssuedToken issue(Request r) {
        Instant now = now();
        Instant expires = r.expiresAt().truncatedTo(ChronoUnit.SECONDS);
        List<String> audience = r.audience() == null ? this.audience : r.audience();
        String jti = newJti();
        var builder = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(r.subject())
                .expirationTime(Date.from(expires))
                .notBeforeTime(Date.from(now))
                .issueTime(Date.from(now))
                .jwtID(jti)
                .claim("scope", r.scope().strings());
        if (!audience.isEmpty()) {
            builder.audience(audience);
        }
        if (r.taskId() != null && !r.taskId().isEmpty()) {
            builder.claim("task_id", r.taskId());
        }
        if (r.orchId() != null && !r.orchId().isEmpty()) {
            builder.claim("orch_id", r.orchId());
        }
        if (!r.chain().isEmpty()) {
            builder.claim("delegation_chain", r.chain().stream().map(TokenIssuer::link).toList());
            builder.claim("chain_hash", TokenClaims.chainHash(r.chain()));
            builder.claim("act", actors(r.chain()));
        }
        if (!r.cnfJkt().isEmpty()) {
            builder.claim("cnf", Map.of("jkt", r.cnfJkt()));
        }
        TokenSigner.Signed signed = signer.sign(builder.build());
        return new IssuedToken(signed.jwt(), new TokenClaims(issuer, r.subject(), audience, expires, now, now, jti,
                r.scope(), r.taskId(), r.orchId(), r.chain(), signed.kid(), r.cnfJkt()));
    }

    /**
     * {@code act} (RFC 8693 §4.1's nesting): the agent that delegated this token outermost, with, nested in
     * its own {@code act}, the one that delegated to it, back to the root agent. Derived from the delegation
     * chain, which stays the record. In Mandate's tokens {@code sub} is always the holder (as /v1/delegate's
     * always were), so {@code act} names who passed the authority down to {@code sub}; in RFC 8693's reading
     * of a token whose {@code sub} is the principal, the actor would be the holder instead.
     */
    private static Map<String, Object> actors(List<ChainLink> chain) {
        Map<String, Object> act = null;
        for (ChainLink link : chain) {
            Map<String, Object> actor = new LinkedHashMap<>();
            actor.put("sub", link.agent());
            if (act != null) {
                actor.put("act", act);
            }
            act = actor;
        }
        return act;
    }

    private static Map<String, Object> link(ChainLink link) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("agent", link.agent());
        m.put("jti", link.jti());
        m.put("scope", link.scope());
        m.put("delegated_at", link.delegatedAt());
        return m;
    }

    private static String newJti() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }
}
