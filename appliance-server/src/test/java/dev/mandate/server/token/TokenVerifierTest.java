package dev.mandate.server.token;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mandate.server.keys.KeyRing;
import dev.mandate.server.revocation.Revocations;
import dev.mandate.server.storage.WithDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The verifier's rules on the token itself, with a software key in the ring (the HSM signs in the
 * integration tests; here the point is what a correctly signed but unacceptable token looks like).
 */
class TokenVerifierTest extends WithDatabase {

    private static final String ISSUER = "https://mandate.test";
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    private KeyRing ring;
    private ECKey key;
    private TokenVerifier verifier;

    @BeforeEach
    void setUp() throws Exception {
        key = new ECKeyGenerator(Curve.P_256).keyID("kid-1").generate();
        ring = new KeyRing();
        ring.add(key.toPublicJWK());
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        verifier = new TokenVerifier(ring, new Revocations(db, () -> NOW.getEpochSecond(), Duration.ZERO),
                appId -> false, ISSUER, Duration.ofSeconds(5), clock, 100, new SimpleMeterRegistry(),
                dev.mandate.server.cluster.Currency.ALWAYS);
    }

    @Test
    void aGenuineTokenIsValidWithItsClaims() throws Exception {
        var claims = verifier.verify(sign(header(), claims())).orElseThrow();
        assertEquals("spiffe://t/agent/o/k/1", claims.subject());
        assertEquals(List.of("files:read:x"), claims.scope().strings());
        assertEquals("kid-1", claims.kid());
    }

    @Test
    void aTypeOtherThanJwtIsRefusedAndNoTypeIsAccepted() throws Exception {
        assertFalse(verifier.verify(sign(header().type(new JOSEObjectType("at+jwt")), claims())).isPresent());
        assertFalse(verifier.verify(sign(header().type(JOSEObjectType.JOSE), claims())).isPresent());
        assertTrue(verifier.verify(sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("kid-1"), claims())).isPresent());
    }

    @Test
    void aCriticalHeaderTheBrokerDoesNotUnderstandIsRefused() throws Exception {
        var header = header().criticalParams(Set.of("exp-policy")).customParam("exp-policy", "never");
        assertFalse(verifier.verify(sign(header, claims())).isPresent());
        assertFalse(verifier.authentic(sign(header, claims())).isPresent());
    }

    @Test
    void aForeignIssuerOrAMissingRequiredClaimIsRefused() throws Exception {
        assertFalse(verifier.verify(sign(header(), with(b -> b.issuer("https://elsewhere")))).isPresent());
        assertFalse(verifier.verify(sign(header(), with(b -> b.jwtID(null)))).isPresent());
        assertFalse(verifier.verify(sign(header(), with(b -> b.subject(null)))).isPresent());
        assertFalse(verifier.verify(sign(header(), with(b -> b.notBeforeTime(null)))).isPresent());
        assertFalse(verifier.verify(sign(header(), with(b -> b.claim("scope", null)))).isPresent());
        assertFalse(verifier.verify(sign(header(), with(b -> b.claim("delegation_chain", "not a list")))).isPresent());
    }

    @Test
    void anUnknownKidOrAnotherAlgorithmFindsNoKey() throws Exception {
        assertFalse(verifier.verify(sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("kid-2"), claims())).isPresent());
        assertFalse(verifier.verify(sign(new JWSHeader.Builder(JWSAlgorithm.ES256), claims())).isPresent(), "no kid");
        ECKey p384 = new ECKeyGenerator(Curve.P_384).keyID("kid-1").generate();
        SignedJWT es384 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES384).keyID("kid-1").build(), claims());
        es384.sign(new ECDSASigner(p384));
        assertFalse(verifier.verify(es384.serialize()).isPresent());
    }

    @Test
    void aKeyLeavingTheRingTakesItsCachedTokensWithIt() throws Exception {
        String token = sign(header(), claims());
        assertTrue(verifier.verify(token).isPresent());
        ring.remove("kid-1");
        assertFalse(verifier.verify(token).isPresent(), "the cached verdict does not outlive the key");
        assertFalse(verifier.authentic(token).isPresent());
    }

    @Test
    void anExpiredTokenIsInvalidButStillAuthenticForRevocation() throws Exception {
        String expired = sign(header(), with(b -> b.expirationTime(Date.from(NOW.minusSeconds(60)))));
        assertFalse(verifier.verify(expired).isPresent());
        assertTrue(verifier.authentic(expired).isPresent());
    }

    private static JWSHeader.Builder header() {
        return new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("kid-1").type(JOSEObjectType.JWT);
    }

    private static JWTClaimsSet claims() {
        return with(b -> b);
    }

    private static JWTClaimsSet with(UnaryOperator<JWTClaimsSet.Builder> change) {
        return change.apply(new JWTClaimsSet.Builder().issuer(ISSUER).subject("spiffe://t/agent/o/k/1")
                .audience("mandate").expirationTime(Date.from(NOW.plusSeconds(300)))
                .notBeforeTime(Date.from(NOW.minusSeconds(1))).issueTime(Date.from(NOW.minusSeconds(1)))
                .jwtID("%032x".formatted(1)).claim("scope", List.of("files:read:x")).claim("task_id", "k")
                .claim("orch_id", "o")).build();
    }

    private String sign(JWSHeader.Builder header, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(header.build(), claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }
}
