package dev.mandate.server.token;

import dev.mandate.server.claims.ChainLink;
import dev.mandate.server.claims.TokenClaims;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
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
 * token (then cached) by Nimbus's JWT processor over the key ring, with our claim rules as its claims
 * verifier; issuer, time window, key trust, revocation and the app's status on every call.
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
    private final dev.mandate.server.cluster.Currency currency;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    private final Counter valid;
    private final Counter invalid;

    /**
     * A verifier on this node ({@code Currency.ALWAYS} when alone on its database, else its cluster): a verdict that depends on this node's memory (keys, revocation
     * entries, app status) is given only while {@code currency} shows that memory current; 503 otherwise.
     */
    public TokenVerifier(KeyRing keys, Revocations revocations, Predicate<String> inactiveApp, String issuer,
                         Duration leeway, Clock clock, int cacheSize, MeterRegistry meters,
                         dev.mandate.server.cluster.Currency currency) {
        this.currency = currency;
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
        // typ "JWT" or none; ES256 with a kid of the ring only; unknown "crit" parameters fail the signature check.
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(com.nimbusds.jose.JOSEObjectType.JWT, null));
        processor.setJWSKeySelector(keys.keySelector());
        processor.setJWSVerifierFactory(keys.verifierFactory());
        // Expiry is checked per call, not here: RFC 7009 revocation must still authenticate an expired token.
        processor.setJWTClaimsSetVerifier((c, context) -> {
            if (!issuer.equals(c.getIssuer()) || c.getSubject() == null || c.getExpirationTime() == null
                    || c.getNotBeforeTime() == null || c.getIssueTime() == null || c.getJWTID() == null) {
                throw new BadJWTException("not a token of this broker");
            }
        });
    }

    /**
     * The token's claims when it is valid now; empty for anything else, without saying why. On a node that
     * cannot show its memory is current, a 503 refusal instead of a verdict.
     */
    public Optional<TokenClaims> verify(String token) {
        var asOf = currency.asOf();   // before memory is read: it holds everything committed up to this point
        Optional<TokenClaims> verdict = check(token);
        currency.require(asOf);
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
        if (!keys.trusts(claims.kid())) {
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
            return claims(processor.process(jwt, null), jwt.getHeader().getKeyID());
        } catch (ParseException | BadJOSEException | JOSEException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    private Optional<TokenClaims> claims(JWTClaimsSet c, String kid) throws ParseException {
        Date exp = c.getExpirationTime();
        Date nbf = c.getNotBeforeTime();
        Date iat = c.getIssueTime();
        List<String> scope = c.getStringListClaim("scope");
        if (scope == null) {
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
        String jkt = "";
        Object cnf = c.getClaim("cnf");
        if (cnf != null) {
            if (!(cnf instanceof Map<?, ?> m) || !(m.get("jkt") instanceof String boundTo) || boundTo.isEmpty()) {
                return Optional.empty();   // a confirmation this broker cannot check is no bearer token either
            }
            jkt = boundTo;
        }
        try {
            return Optional.of(new TokenClaims(c.getIssuer(), c.getSubject(),
                    c.getAudience() == null ? List.of() : c.getAudience(), exp.toInstant(), nbf.toInstant(),
                    iat.toInstant(), c.getJWTID(), Scopes.trusted(scope), c.getStringClaim("task_id"),
                    c.getStringClaim("orch_id"), chain, kid, jkt));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
