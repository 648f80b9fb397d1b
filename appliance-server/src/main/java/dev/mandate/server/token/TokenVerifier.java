package dev.mandate.server.token;

import dev.mandate.server.http.Bearer;
import dev.mandate.server.claims.ChainLink;
import dev.mandate.server.claims.TokenClaims;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mandate.server.keys.KeyRing;
import dev.mandate.server.revocation.Revocations;
import dev.mandate.server.scope.Scopes;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Decides whether a presented token is valid now. Signature and claim syntax are checked once per
 * token (then cached); issuer, time window, revocation and the app's status on every call.
 */
public final class TokenVerifier {

    private static final int MAX_TOKEN_LENGTH = 16 * 1024;

    private final KeyRing keys;
    private final Revocations revocations;
    private final Predicate<String> inactiveApp;
    private final String issuer;
    private final Duration leeway;
    private final Clock clock;
    private final VerifiedTokenCache cache;

    private final Counter valid;
    private final Counter invalid;

    public TokenVerifier(KeyRing keys, Revocations revocations, Predicate<String> inactiveApp, String issuer,
                         Duration leeway, Clock clock, int cacheSize, MeterRegistry meters) {
        String help = "token verifications (validate, introspection, Bearer authentication) by verdict";
        this.valid = Counter.builder("mandate.token.verifications").description(help).tag("verdict", "valid").register(meters);
        this.invalid = Counter.builder("mandate.token.verifications").description(help).tag("verdict", "invalid").register(meters);
        this.keys = keys;
        this.revocations = revocations;
        this.inactiveApp = inactiveApp;
        this.issuer = issuer;
        this.leeway = leeway;
        this.clock = clock;
        this.cache = new VerifiedTokenCache(cacheSize);
    }

    /** The token's claims when it is valid now; empty for anything else, without saying why. */
    public Optional<TokenClaims> verify(String token) {
        Optional<TokenClaims> verdict = check(token);
        (verdict.isPresent() ? valid : invalid).increment();
        return verdict;
    }

    private Optional<TokenClaims> check(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        String key = VerifiedTokenCache.key(token);
        TokenClaims claims = cache.get(key, now.minus(leeway));
        if (claims == null) {
            claims = verifySignature(token).orElse(null);
            if (claims == null) {
                return Optional.empty();
            }
            cache.put(key, claims, now.minus(leeway));
        }
        if (!now.isBefore(claims.expiresAt().plus(leeway)) || now.plus(leeway).isBefore(claims.notBefore())) {
            return Optional.empty();
        }
        // A cached verdict is only as good as the key: a revoked or retired key takes its tokens with it.
        if (keys.verifier(claims.kid()).isEmpty()) {
            return Optional.empty();
        }
        if (revocations.isRevoked(claims)) {
            return Optional.empty();
        }
        if (claims.kind() == TokenClaims.Kind.APP && inactiveApp.test(claims.appId())) {
            return Optional.empty();
        }
        return Optional.of(claims);
    }

    /**
     * The claims of a token this broker signed with a key it still trusts, whether or not the token has
     * expired or been revoked: RFC 7009 revocation names a token by itself, and a superseded token's
     * revocation must still reach its renewals.
     */
    public Optional<TokenClaims> authentic(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        return verifySignature(token);
    }

    int cacheSize() {
        return cache.size();
    }

    private Optional<TokenClaims> verifySignature(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWSHeader header = jwt.getHeader();
            // Only ES256 with a kid of our ring: "none", HMAC with the public key and foreign keys fail here.
            if (!JWSAlgorithm.ES256.equals(header.getAlgorithm()) || header.getKeyID() == null
                    || (header.getType() != null && !JOSEObjectType.JWT.equals(header.getType()))
                    || (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty())) {
                return Optional.empty();
            }
            Optional<ECDSAVerifier> verifier = keys.verifier(header.getKeyID());
            if (verifier.isEmpty() || !jwt.verify(verifier.get())) {
                return Optional.empty();
            }
            return claims(jwt.getJWTClaimsSet(), header.getKeyID());
        } catch (ParseException | JOSEException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    private Optional<TokenClaims> claims(JWTClaimsSet c, String kid) throws ParseException {
        Date exp = c.getExpirationTime();
        Date nbf = c.getNotBeforeTime();
        Date iat = c.getIssueTime();
        List<String> scope = c.getStringListClaim("scope");
        if (!issuer.equals(c.getIssuer()) || c.getSubject() == null || exp == null || nbf == null || iat == null
                || c.getJWTID() == null || scope == null) {
            return Optional.empty();
        }
        List<ChainLink> chain = new ArrayList<>();
        Object rawChain = c.getClaim("delegation_chain");
        if (rawChain != null) {
            if (!(rawChain instanceof List<?> links)) {
                return Optional.empty();
            }
            for (Object o : links) {
                if (!(o instanceof Map<?, ?> m) || !(m.get("agent") instanceof String agent)
                        || !(m.get("jti") instanceof String jti) || !(m.get("scope") instanceof List<?> linkScope)
                        || !(m.get("delegated_at") instanceof String at)) {
                    return Optional.empty();
                }
                chain.add(new ChainLink(agent, jti, linkScope.stream().map(String::valueOf).toList(), at));
            }
        }
        try {
            return Optional.of(new TokenClaims(c.getIssuer(), c.getSubject(),
                    c.getAudience() == null ? List.of() : c.getAudience(), exp.toInstant(), nbf.toInstant(),
                    iat.toInstant(), c.getJWTID(), Scopes.trusted(scope), c.getStringClaim("task_id"),
                    c.getStringClaim("orch_id"), chain, kid));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
