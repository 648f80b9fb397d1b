package dev.mandate.server;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.mandate.server.Problem.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each attack of issue 3 is refused, and refusing it changes nothing. */
class AttackTest extends WithBroker {

    static TestBroker.Agent agent;
    static JWTClaimsSet genuine;
    static SignedJWT genuineJwt;

    @BeforeAll
    static void start() throws Exception {
        agent = broker.registerAgent(admin, "orch", "task", "[\"read:data:*\"]");
        genuineJwt = SignedJWT.parse(agent.token());
        genuine = genuineJwt.getJWTClaimsSet();
    }

    private static void refusedEverywhere(String forged) {
        assertFalse(broker.valid(forged), "validate accepted a forged token");
        var p = assertProblem(broker.post("/v1/token/renew", null, forged), 401, "unauthorized", "/v1/token/renew");
        assertEquals("token verification failed", p.getString("detail"));
        assertProblem(broker.post("/v1/token/release", null, forged), 401, "unauthorized", "/v1/token/release");
    }

    @Test
    void algNoneIsRefused() {
        String none = new PlainJWT(genuine).serialize();
        refusedEverywhere(none);
        // The same with the genuine header's kid and "alg":"none" spelled by hand.
        String header = Base64URL.encode("{\"alg\":\"none\",\"kid\":\"" + genuineJwt.getHeader().getKeyID()
                + "\",\"typ\":\"JWT\"}").toString();
        refusedEverywhere(header + "." + genuineJwt.getParsedParts()[1] + ".");
        refusedEverywhere(header + "." + genuineJwt.getParsedParts()[1] + "." + genuineJwt.getParsedParts()[2]);
    }

    @Test
    void hs256WithThePublicKeyAsSecretIsRefused() throws Exception {
        String stored = broker.broker().db().read(tx -> {
            try (var rs = tx.connection().createStatement().executeQuery("SELECT public_jwk FROM signing_keys")) {
                rs.next();
                return rs.getString(1);
            }
        });
        ECKey published = ECKey.parse(stored);
        for (byte[] secret : List.of(published.toJSONString().getBytes(StandardCharsets.UTF_8),
                published.toECPublicKey().getEncoded())) {
            byte[] key = secret.length >= 32 ? secret : java.util.Arrays.copyOf(secret, 32);
            SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256)
                    .keyID(published.getKeyID()).type(JOSEObjectType.JWT).build(), genuine);
            hmac.sign(new MACSigner(key));
            refusedEverywhere(hmac.serialize());
        }
    }

    @Test
    void aTokenSignedByAnotherP256KeyWithTheSameKidIsRefused() throws Exception {
        ECKey attacker = new ECKeyGenerator(Curve.P_256).keyID(genuineJwt.getHeader().getKeyID()).generate();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(genuineJwt.getHeader().getKeyID()).type(JOSEObjectType.JWT).build(), genuine);
        forged.sign(new ECDSASigner(attacker));
        refusedEverywhere(forged.serialize());
    }

    @Test
    void aTamperedPayloadIsRefused() {
        String widened = Base64URL.encode(genuine.toString().replace("read:data:*", "admin:revoke:*")).toString();
        String[] parts = agent.token().split("\\.");
        refusedEverywhere(parts[0] + "." + widened + "." + parts[2]);
        String longer = Base64URL.encode(new JWTClaimsSet.Builder(genuine)
                .expirationTime(new java.util.Date(genuine.getExpirationTime().getTime() + 86_400_000L)).build().toString()).toString();
        refusedEverywhere(parts[0] + "." + longer + "." + parts[2]);
        assertTrue(broker.valid(agent.token()), "the genuine token is untouched");
    }

    @Test
    void anExpiredTokenIsRefused() {
        TestBroker.Agent shortLived = broker.registerAgent(admin, "orch", "short", "[\"read:data:*\"]");
        assertTrue(broker.valid(shortLived.token()));
        broker.clock.advance(Duration.ofSeconds(shortLived.expiresIn()));
        refusedEverywhere(shortLived.token());
        broker.clock.advance(Duration.ofSeconds(-shortLived.expiresIn()));
    }

    @Test
    void aReusedNonceIsRefused() {
        String nonce = broker.nonce();
        var keys = TestBroker.ed25519();
        String first = broker.launchToken(admin, "[\"read:data:*\"]", "");
        assertEquals(200, broker.post("/v1/register", TestBroker.registration(first, nonce, keys, "o", "t", "[\"read:data:x\"]"), null).status());
        String second = broker.launchToken(admin, "[\"read:data:*\"]", "");
        var r = broker.post("/v1/register", TestBroker.registration(second, nonce, keys, "o", "t", "[\"read:data:x\"]"), null);
        assertProblem(r, 401, "unauthorized", "/v1/register");
        // The second launch token was not consumed by the refused attempt.
        assertEquals(200, broker.post("/v1/register", TestBroker.registration(second, broker.nonce(), keys, "o", "t", "[\"read:data:x\"]"), null).status());
    }

    @Test
    void anExpiredNonceIsRefused() {
        String nonce = broker.nonce();
        broker.clock.advance(Duration.ofSeconds(31));
        try {
            String launch = broker.launchToken(admin, "[\"read:data:*\"]", "");
            var r = broker.post("/v1/register", TestBroker.registration(launch, nonce, TestBroker.ed25519(), "o", "t", "[\"read:data:x\"]"), null);
            assertProblem(r, 401, "unauthorized", "/v1/register");
            assertEquals("invalid or expired nonce", r.json().getString("detail"));
        } finally {
            broker.clock.advance(Duration.ofSeconds(-31));
        }
    }

    @Test
    void aSingleUseLaunchTokenCannotBeUsedTwiceButAMultiUseOneCan() {
        String launch = broker.launchToken(admin, "[\"read:data:*\"]", "");
        var keys = TestBroker.ed25519();
        assertEquals(200, broker.post("/v1/register", TestBroker.registration(launch, broker.nonce(), keys, "o", "t", "[\"read:data:x\"]"), null).status());
        var again = broker.post("/v1/register", TestBroker.registration(launch, broker.nonce(), keys, "o", "t", "[\"read:data:x\"]"), null);
        assertProblem(again, 401, "unauthorized", "/v1/register");

        String multi = broker.launchToken(admin, "[\"read:data:*\"]", "\"single_use\":false");
        for (int i = 0; i < 3; i++) {
            assertEquals(200, broker.post("/v1/register", TestBroker.registration(multi, broker.nonce(), keys, "o", "t" + i, "[\"read:data:x\"]"), null).status());
        }
    }

    @Test
    void anExpiredLaunchTokenIsRefused() {
        String launch = broker.launchToken(admin, "[\"read:data:*\"]", "\"ttl\":5");
        broker.clock.advance(Duration.ofSeconds(6));
        try {
            var r = broker.post("/v1/register", TestBroker.registration(launch, broker.nonce(), TestBroker.ed25519(), "o", "t", "[\"read:data:x\"]"), null);
            assertProblem(r, 401, "unauthorized", "/v1/register");
        } finally {
            broker.clock.advance(Duration.ofSeconds(-6));
        }
    }

    @Test
    void registrationAskingBeyondTheLaunchTokenIsRefusedAndAudited() {
        String launch = broker.launchToken(admin, "[\"read:data:public\"]", "");
        var r = broker.post("/v1/register", TestBroker.registration(launch, broker.nonce(), TestBroker.ed25519(), "o", "beyond",
                "[\"read:data:*\"]"), null);
        assertProblem(r, 403, "scope_violation", "/v1/register");
        var events = broker.get("/v1/audit/events?event_type=registration_policy_violation&task_id=beyond", admin).json();
        assertEquals(1, events.getInt("total"));
        assertEquals("denied", events.getJsonArray("events").getJsonObject(0).getString("outcome"));
    }

    @Test
    void reservedScopesAskedByAnAgentAreRefused() {
        String launch = broker.launchToken(admin, "[\"read:data:*\"]", "");
        for (String reserved : List.of("[\"admin:revoke:*\"]", "[\"app:launch-tokens:*\"]", "[\"read:data:x\",\"admin:audit:*\"]")) {
            var r = broker.post("/v1/register", TestBroker.registration(launch, broker.nonce(), TestBroker.ed25519(), "o", "t", reserved), null);
            assertProblem(r, 403, "scope_violation", "/v1/register");
        }
        assertProblem(broker.post("/v1/revoke", "{\"level\":\"chain\",\"target\":\"x\"}", agent.token()), 403, "insufficient_scope", "/v1/revoke");
        assertProblem(broker.get("/v1/admin/apps", agent.token()), 403, "insufficient_scope", "/v1/admin/apps");
        assertProblem(broker.post("/v1/admin/launch-tokens", "{\"agent_name\":\"x\",\"allowed_scope\":[\"read:data:*\"]}",
                agent.token()), 403, "insufficient_scope", "/v1/admin/launch-tokens");
    }

    @Test
    void malformedJsonOnEveryEndpointIsA400NeverA500() {
        String app = broker.post("/v1/admin/apps", "{\"name\":\"malformed\",\"scopes\":[\"read:data:*\"]}", admin)
                .json().getString("app_id");
        Map<String, String> posts = Map.of(
                "/v1/admin/auth", "", "/v1/app/auth", "", "/v1/register", "", "/v1/token/validate", "",
                "/v1/admin/launch-tokens", admin, "/v1/app/launch-tokens", admin, "/v1/admin/apps", admin);
        List<String> bodies = List.of("{", "not json", "[1,2]", "\"string\"", "{\"a\":}", "{\"a\":1,}", "nul",
                "{\"token\":\"\\u0000\"", "\u0000\u0001", "{}{}", "123", "{\"requested_scope\":[1,2]}");
        for (var endpoint : posts.entrySet()) {
            for (String body : bodies) {
                var r = broker.post(endpoint.getKey(), body, endpoint.getValue().isEmpty() ? null : endpoint.getValue());
                assertTrue(r.status() >= 400 && r.status() < 500, endpoint.getKey() + " " + body + " -> " + r);
                assertTrue(r.header("Content-Type").startsWith("application/problem+json"), r.toString());
            }
        }
        for (String body : bodies.subList(0, bodies.size() - 1)) {
            var r = broker.put("/v1/admin/apps/" + app, body, admin);
            assertTrue(r.status() >= 400 && r.status() < 500, "PUT " + body + " -> " + r);
        }
        assertProblem(broker.put("/v1/admin/apps/" + app, "{\"scopes\":[1,2]}", admin), 400, "invalid_request", "/v1/admin/apps/" + app);
        assertProblem(broker.put("/v1/admin/apps/" + app, "{\"token_ttl\":\"600\"}", admin), 400, "invalid_request", "/v1/admin/apps/" + app);
        assertNotEquals(500, broker.get("/v1/admin/apps/%00", admin).status());
        assertEquals("ok", broker.get("/v1/health", null).json().getString("status"));
    }

    @Test
    void oversizedBodiesAre413WithoutAContentLength() {
        var r = broker.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(broker.url() + "/v1/register"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() ->
                        new java.io.ByteArrayInputStream(new byte[2 * 1024 * 1024]))), null, Map.of());
        assertEquals(413, r.status(), r.toString());
    }
}
