package dev.mandate.server;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import dev.mandate.server.token.Dpop;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tokens bound to their holder's registered key (RFC 9449 DPoP, issue 16), against the real broker: what a
 * bound token carries, how it is used, and every way around the binding that an attacker holding a stolen
 * token, a delegator or a replayer would try.
 */
class SenderConstrainedTest extends WithBroker {

    private static final String SCOPE = "[\"read:data:*\"]";

    /** A registered agent whose tokens are bound to its key. */
    private TestBroker.Agent boundAgent(String task) {
        String launch = broker.launchToken(admin, SCOPE, "\"sender_constrained\":true");
        KeyPair keys = TestBroker.ed25519();
        var r = broker.post("/v1/register", TestBroker.registration(launch, broker.nonce(), keys, "dpop", task, SCOPE), null);
        assertEquals(200, r.status(), r.toString());
        return new TestBroker.Agent(r.json().getString("agent_id"), r.json().getString("access_token"),
                r.json().getJsonNumber("expires_in").longValue(), keys);
    }

    @Test
    void aBoundTokenCarriesTheThumbprintOfTheKeyItsAgentRegisteredAndSaysSo() throws Exception {
        TestBroker.Agent a = boundAgent("carries");
        String jkt = Dpop.thumbprint(raw(a.keys()));
        assertEquals(Map.of("jkt", jkt), SignedJWT.parse(a.token()).getJWTClaimsSet().getJSONObjectClaim("cnf"));
        assertEquals(jkt, broker.validate(a.token()).getJsonObject("claims").getJsonObject("cnf").getString("jkt"));
        JsonObject introspected = broker.introspect(admin, a.token());
        assertEquals("DPoP", introspected.getString("token_type"));
        assertEquals(jkt, introspected.getJsonObject("cnf").getString("jkt"));
        // RFC 7638 by hand: the members crv, kty, x in that order, no spaces, SHA-256, base64url.
        String members = "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + Base64URL.encode(raw(a.keys())) + "\"}";
        assertEquals(Base64URL.encode(java.security.MessageDigest.getInstance("SHA-256")
                .digest(members.getBytes(StandardCharsets.UTF_8))).toString(), jkt);
    }

    @Test
    void unboundTokensStayBearerTokensAndAreRefusedUnderTheDpopScheme() throws Exception {
        TestBroker.Agent plain = broker.registerAgent(admin, "dpop", "plain", SCOPE);
        assertEquals(null, SignedJWT.parse(plain.token()).getJWTClaimsSet().getClaim("cnf"));
        assertFalse(broker.validate(plain.token()).getJsonObject("claims").containsKey("cnf"));
        assertEquals(401, dpop("/v1/token/renew", plain.token(), proof(plain.keys(), "POST", "/v1/token/renew", plain.token())).status(),
                "an unbound token under the DPoP scheme, even with a proof of its agent's key");
        assertEquals(200, broker.post("/v1/token/renew", null, plain.token()).status(), "AgentWrit's flow, unchanged");
    }

    @Test
    void theHolderRenewsWithAProofAndTheRenewedTokenIsBoundToTheSameKey() throws Exception {
        TestBroker.Agent a = boundAgent("renews");
        var renewed = dpop("/v1/token/renew", a.token(), proof(a.keys(), "POST", "/v1/token/renew", a.token()));
        assertEquals(200, renewed.status(), renewed.toString());
        String next = renewed.json().getString("access_token");
        assertEquals(Map.of("jkt", Dpop.thumbprint(raw(a.keys()))), SignedJWT.parse(next).getJWTClaimsSet().getJSONObjectClaim("cnf"));
        assertEquals(204, dpop("/v1/token/release", next, proof(a.keys(), "POST", "/v1/token/release", next)).status());
        assertFalse(broker.valid(next), "released");
    }

    @Test
    void aBoundTokenPresentedAsABearerTokenIsRefused() {
        TestBroker.Agent a = boundAgent("as-bearer");
        assertEquals(401, broker.post("/v1/token/renew", null, a.token()).status());
        assertEquals(401, broker.post("/v1/token/release", null, a.token()).status());
        assertEquals(401, broker.delegate(a.token(), a.agentId(), SCOPE, 60L).status());
        assertTrue(broker.valid(a.token()), "nothing happened to it");
    }

    @Test
    void aStolenBoundTokenIsUselessWithoutItsKey() {
        TestBroker.Agent a = boundAgent("stolen");
        broker.clock.advance(java.time.Duration.ofSeconds(1));   // a second of its own: the audit keeps 5 refusals a client a second
        KeyPair thief = TestBroker.ed25519();
        assertEquals(401, dpop("/v1/token/renew", a.token(), proof(thief, "POST", "/v1/token/renew", a.token())).status(),
                "a proof signed with the thief's own key");
        assertEquals(401, dpop("/v1/token/renew", a.token(), null).status(), "no proof at all");
        assertEquals(401, dpop("/v1/token/renew", a.token(), proofSignedBy(thief, a.keys(), "POST", "/v1/token/renew", a.token(),
                now(), UUID.randomUUID().toString())).status(), "the holder's public key in the header, signed by the thief");
        assertTrue(broker.valid(a.token()));
        // Each attempt is audited as what it likely is, a stolen token, with the agent and jti (never the proof).
        String jti = jti(a.token());
        var events = broker.get("/v1/audit/events?limit=1000&event_type=dpop_proof_refused", admin).json().getJsonArray("events")
                .stream().map(jakarta.json.JsonValue::asJsonObject).filter(e -> e.getString("detail").contains(jti)).toList();
        assertEquals(3, events.size(), events.toString());
        assertTrue(events.stream().allMatch(e -> a.agentId().equals(e.getString("agent_id"))), events.toString());
        assertTrue(events.stream().noneMatch(e -> e.toString().contains(a.token().substring(a.token().lastIndexOf('.')))),
                "no token in the audit");
    }

    private static String jti(String token) {
        try {
            return SignedJWT.parse(token).getJWTClaimsSet().getJWTID();
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aProofIsForOneMethodOneUrlOneTokenAndAShortWhile() {
        TestBroker.Agent a = boundAgent("narrow");
        String path = "/v1/token/renew";
        assertEquals(401, dpop(path, a.token(), proof(a.keys(), "GET", path, a.token())).status(), "another method");
        assertEquals(401, dpop(path, a.token(), proof(a.keys(), "POST", "/v1/token/release", a.token())).status(), "another URL");
        assertEquals(401, dpop(path, a.token(), proofSignedBy(a.keys(), a.keys(), "POST", path, boundAgent("other").token(), now(),
                UUID.randomUUID().toString())).status(), "the ath of another token");
        assertEquals(401, dpop(path, a.token(), proofSignedBy(a.keys(), a.keys(), "POST", path, a.token(),
                now().minusSeconds(300), UUID.randomUUID().toString())).status(), "made five minutes ago");
        assertEquals(401, dpop(path, a.token(), proofSignedBy(a.keys(), a.keys(), "POST", path, a.token(),
                now().plusSeconds(300), UUID.randomUUID().toString())).status(), "dated five minutes ahead");
        assertEquals(200, dpop(path, a.token(), proof(a.keys(), "POST", path, a.token())).status(), "and the right one works");
    }

    @Test
    void aProofMadeForAnotherServerIsRefusedWhateverHostTheRequestNames() throws Exception {
        TestBroker.Agent a = boundAgent("other-host");
        String path = "/v1/token/renew";
        // A proof the holder made for a request to evil.example (a service it called), replayed to the broker
        // with that host in the Host header: the broker's own URL is its issuer's, not whatever the request says.
        String elsewhere = proofFor(a.keys(), "POST", "http://evil.example" + path, a.token());
        try (LoopbackClient client = new LoopbackClient(java.net.InetAddress.getLoopbackAddress(),
                URI.create(broker.url()).getPort())) {
            String request = "POST " + path + " HTTP/1.1\r\nHost: evil.example\r\nAuthorization: DPoP " + a.token()
                    + "\r\nDPoP: " + elsewhere + "\r\nContent-Length: 0\r\n\r\n";
            assertEquals(401, client.exchange(request));
            String here = proof(a.keys(), "POST", path, a.token());
            assertEquals(200, client.exchange("POST " + path + " HTTP/1.1\r\nHost: evil.example\r\nAuthorization: DPoP "
                    + a.token() + "\r\nDPoP: " + here + "\r\nContent-Length: 0\r\n\r\n"),
                    "a proof for the broker's own URL, whatever the Host header says");
        }
    }

    @Test
    void aProofIsAcceptedOnceEvenWhenReplayedConcurrently() throws Exception {
        TestBroker.Agent a = boundAgent("replay");
        TestBroker.Agent b = broker.registerAgent(admin, "dpop", "replay-b", SCOPE);
        String proof = proof(a.keys(), "POST", "/v1/delegate", a.token());
        int racers = 8;
        CyclicBarrier start = new CyclicBarrier(racers);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            List<Callable<Integer>> calls = java.util.Collections.nCopies(racers, () -> {
                start.await();
                return dpopPost("/v1/delegate", "{\"delegate_to\":\"" + b.agentId() + "\",\"scope\":" + SCOPE + "}",
                        a.token(), proof).status();
            });
            List<Integer> statuses = pool.invokeAll(calls).stream().map(SenderConstrainedTest::get).toList();
            assertEquals(1, statuses.stream().filter(s -> s == 200).count(), "one delegation: " + statuses);
            assertEquals(racers - 1, statuses.stream().filter(s -> s == 401).count(), "the replays refused: " + statuses);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDelegatedTokenIsBoundToTheDelegatesKeyAndTheDelegatorCannotProveIt() throws Exception {
        TestBroker.Agent a = boundAgent("delegator");
        TestBroker.Agent b = broker.registerAgent(admin, "dpop", "delegate", SCOPE);   // registered unbound: its key binds all the same
        var r = dpopPost("/v1/delegate", "{\"delegate_to\":\"" + b.agentId() + "\",\"scope\":[\"read:data:x\"]}", a.token(),
                proof(a.keys(), "POST", "/v1/delegate", a.token()));
        assertEquals(200, r.status(), r.toString());
        String ab = r.json().getString("access_token");
        String jktB = Dpop.thumbprint(raw(b.keys()));
        assertEquals(Map.of("jkt", jktB), SignedJWT.parse(ab).getJWTClaimsSet().getJSONObjectClaim("cnf"));
        assertNotEquals(Dpop.thumbprint(raw(a.keys())), jktB);
        assertEquals(401, dpop("/v1/token/renew", ab, proof(a.keys(), "POST", "/v1/token/renew", ab)).status(),
                "the delegator's proof for the delegate's token");
        assertEquals(401, broker.post("/v1/token/renew", null, ab).status(), "as a bearer token");
        assertEquals(200, dpop("/v1/token/renew", ab, proof(b.keys(), "POST", "/v1/token/renew", ab)).status(), "the delegate's own proof");
    }

    @Test
    void aResourceServerAsksTheBrokerWhetherAProofMatchesOnceByValidateOrIntrospection() {
        TestBroker.Agent a = boundAgent("resource");
        String rs = "https://rs.example/files/report?x=1";   // the query is not part of htu (RFC 9449 §4.3)
        String proof = proofFor(a.keys(), "GET", "https://rs.example/files/report", a.token());
        JsonObject first = validateWith(a.token(), proof, "GET", rs);
        assertTrue(first.getBoolean("valid"));
        assertTrue(first.getBoolean("proof_matches"), first.toString());
        assertFalse(validateWith(a.token(), proof, "GET", rs).getBoolean("proof_matches"), "the same proof again");
        assertFalse(validateWith(a.token(), proofFor(a.keys(), "GET", "https://rs.example/files/report", a.token()), "GET",
                "https://rs.example/files/other").getBoolean("proof_matches"), "another URL");
        assertFalse(validateWith(a.token(), proofFor(TestBroker.ed25519(), "GET", "https://rs.example/files/report", a.token()),
                "GET", rs).getBoolean("proof_matches"), "a thief's key");
        TestBroker.Agent plain = broker.registerAgent(admin, "dpop", "resource-plain", SCOPE);
        assertFalse(validateWith(plain.token(), proofFor(plain.keys(), "GET", rs, plain.token()), "GET", rs)
                .getBoolean("proof_matches"), "an unbound token matches no proof");
        assertFalse(broker.validate(a.token()).containsKey("proof_matches"), "no proof asked about, none answered");
        Problem.assertProblem(broker.post("/v1/token/validate", "{\"token\":\"" + a.token() + "\",\"dpop_proof\":\"" + proof
                + "\"}", null), 400, "invalid_request", "/v1/token/validate");
        Problem.assertProblem(broker.post("/v1/token/validate", "{\"token\":\"" + a.token() + "\",\"dpop_proof\":\"" + proof
                + "\",\"htm\":\"GET\",\"htu\":\"/files/report\"}", null), 400, "invalid_request", "/v1/token/validate");

        String second = proofFor(a.keys(), "POST", "https://rs.example/files", a.token());
        var introspected = broker.send(HttpRequest.newBuilder(URI.create(broker.url() + "/v1/introspect"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + a.token() + "&dpop_proof=" + second
                        + "&htm=POST&htu=" + java.net.URLEncoder.encode("https://rs.example/files", StandardCharsets.UTF_8))),
                admin, Map.of());
        assertEquals(200, introspected.status(), introspected.toString());
        assertTrue(introspected.json().getBoolean("proof_matches"), introspected.toString());
        assertTrue(broker.get("/.well-known/oauth-authorization-server", null).json()
                .getJsonArray("dpop_signing_alg_values_supported").getValuesAs(jakarta.json.JsonString::getString).contains("EdDSA"));
    }

    private static JsonObject validateWith(String token, String proof, String htm, String htu) {
        var r = broker.post("/v1/token/validate", Json.createObjectBuilder().add("token", token).add("dpop_proof", proof)
                .add("htm", htm).add("htu", htu).build().toString(), null);
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    @Test
    void anAppThatRequiresBindingBindsEveryAgentItLaunchesEvenThroughLaunchTokensMadeBefore() throws Exception {
        JsonObject app = broker.post("/v1/admin/apps", "{\"name\":\"dpop-app\",\"scopes\":" + SCOPE + "}", admin).json();
        assertFalse(app.containsKey("sender_constrained"), "an unbound app answers as AgentWrit's does");
        String appToken = broker.post("/v1/app/auth", "{\"client_id\":\"" + app.getString("client_id")
                + "\",\"client_secret\":\"" + app.getString("client_secret") + "\"}", null).json().getString("access_token");
        String launchBefore = appLaunch(appToken);
        var updated = broker.put("/v1/admin/apps/" + app.getString("app_id"), "{\"sender_constrained\":true}", admin);
        assertEquals(200, updated.status(), updated.toString());
        assertTrue(updated.json().getBoolean("sender_constrained"));
        KeyPair keys = TestBroker.ed25519();
        var r = broker.post("/v1/register", TestBroker.registration(launchBefore, broker.nonce(), keys, "dpop", "app-before", SCOPE), null);
        assertEquals(200, r.status(), r.toString());
        assertEquals(Map.of("jkt", Dpop.thumbprint(raw(keys))),
                SignedJWT.parse(r.json().getString("access_token")).getJWTClaimsSet().getJSONObjectClaim("cnf"),
                "a launch token made before the app required binding binds all the same");
        var launch = broker.post("/v1/app/launch-tokens", "{\"agent_name\":\"w\",\"allowed_scope\":" + SCOPE + "}", appToken);
        assertTrue(launch.json().getJsonObject("policy").getBoolean("sender_constrained"), "the app's launch tokens say so");
    }

    @Test
    void everyTokenOfAnAgentThatMustBeBoundIsBoundWhoeverDelegatesToItAndWhenItRenews() throws Exception {
        // An agent whose launch token binds it, and an agent of an app that requires binding only from now on.
        TestBroker.Agent bound = boundAgent("must-be-bound");
        JsonObject app = broker.post("/v1/admin/apps", "{\"name\":\"later-app\",\"scopes\":" + SCOPE + "}", admin).json();
        String appToken = broker.post("/v1/app/auth", "{\"client_id\":\"" + app.getString("client_id")
                + "\",\"client_secret\":\"" + app.getString("client_secret") + "\"}", null).json().getString("access_token");
        KeyPair laterKeys = TestBroker.ed25519();
        var registered = broker.post("/v1/register", TestBroker.registration(appLaunch(appToken), broker.nonce(), laterKeys,
                "dpop", "app-later", SCOPE), null);
        String later = registered.json().getString("access_token");
        String laterId = registered.json().getString("agent_id");
        assertEquals(null, SignedJWT.parse(later).getJWTClaimsSet().getClaim("cnf"), "registered while its app did not bind");
        assertEquals(200, broker.put("/v1/admin/apps/" + app.getString("app_id"), "{\"sender_constrained\":true}", admin).status());

        TestBroker.Agent plain = broker.registerAgent(admin, "dpop", "plain-delegator", SCOPE);
        String toBound = broker.delegated(plain.token(), bound.agentId(), "[\"read:data:x\"]");
        assertEquals(Map.of("jkt", Dpop.thumbprint(raw(bound.keys()))), SignedJWT.parse(toBound).getJWTClaimsSet().getJSONObjectClaim("cnf"),
                "an unbound delegator's token for an agent that registered bound");
        String toLater = broker.delegated(plain.token(), laterId, "[\"read:data:x\"]");
        assertEquals(Map.of("jkt", Dpop.thumbprint(raw(laterKeys))), SignedJWT.parse(toLater).getJWTClaimsSet().getJSONObjectClaim("cnf"),
                "an unbound delegator's token for an agent of an app that now binds");
        var renewed = broker.post("/v1/token/renew", null, later);
        assertEquals(200, renewed.status(), "its last bearer token renews once more, into a bound one: " + renewed);
        assertEquals(Map.of("jkt", Dpop.thumbprint(raw(laterKeys))),
                SignedJWT.parse(renewed.json().getString("access_token")).getJWTClaimsSet().getJSONObjectClaim("cnf"));
    }

    private static String appLaunch(String appToken) {
        var launch = broker.post("/v1/app/launch-tokens", "{\"agent_name\":\"w\",\"allowed_scope\":" + SCOPE + "}", appToken);
        assertEquals(201, launch.status(), launch.toString());
        assertFalse(launch.json().getJsonObject("policy").containsKey("sender_constrained"));
        return launch.json().getString("launch_token");
    }

    // --- a holder's side of RFC 9449, written here from the RFC (the broker's checks are not reused) ---

    private static Instant now() {
        return broker.clock.instant();
    }

    /** A proof for the broker's {@code path}: at its public URL, its issuer's (RFC 8414 metadata), as a client finds it. */
    private static String proof(KeyPair keys, String method, String path, String token) {
        return proofFor(keys, method, issuer() + path, token);
    }

    private static String issuer() {
        return broker.get("/.well-known/oauth-authorization-server", null).json().getString("issuer");
    }

    private static String proofFor(KeyPair keys, String method, String url, String token) {
        return signedProof(keys, keys, method, url, token, now(), UUID.randomUUID().toString());
    }

    /** A proof whose header carries {@code named}'s public key, signed with {@code signer}'s private key. */
    private static String proofSignedBy(KeyPair signer, KeyPair named, String method, String path, String token, Instant iat,
                                        String jti) {
        return signedProof(signer, named, method, issuer() + path, token, iat, jti);
    }

    private static String signedProof(KeyPair signer, KeyPair named, String method, String url, String token, Instant iat,
                                      String jti) {
        return DpopProofs.proof(signer, named, method, url, token, iat, jti);
    }

    private static byte[] raw(KeyPair keys) {
        return DpopProofs.raw(keys);
    }

    private static TestBroker.Response dpop(String path, String token, String proof) {
        return dpopPost(path, null, token, proof);
    }

    private static TestBroker.Response dpopPost(String path, String json, String token, String proof) {
        var request = HttpRequest.newBuilder(URI.create(broker.url() + path)).header("Content-Type", "application/json")
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        Map<String, String> headers = proof == null ? Map.of("Authorization", "DPoP " + token)
                : Map.of("Authorization", "DPoP " + token, "DPoP", proof);
        return broker.send(request, null, headers);
    }

    private static int get(Future<Integer> f) {
        try {
            return f.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
