package dev.mandate.server;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.mandate.server.Problem.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DelegationTest extends WithBroker {

    /** One test moves the clock a day on: every test starts with an operator token that is valid now. */
    @org.junit.jupiter.api.BeforeEach
    void freshAdmin() {
        admin = broker.adminToken();
    }

    @Test
    void fiveHopsNarrowingOrEqualWorkAndTheSixthIsRefused() {
        List<String> scopes = List.of(
                "[\"read:data:*\",\"write:data:*\"]",            // A (registered)
                "[\"read:data:*\",\"write:data:reports\"]",      // B
                "[\"read:data:*\",\"write:data:reports\"]",      // C: equal
                "[\"read:data:*\"]",                             // D
                "[\"read:data:customers\"]",                     // E
                "[\"read:data:customers\"]");                    // F: equal, depth 5
        TestBroker.Agent a = broker.registerAgent(admin, "hops", "hops-task", scopes.getFirst());
        List<TestBroker.Agent> agents = new ArrayList<>(List.of(a));
        for (int i = 1; i <= 6; i++) {
            agents.add(broker.registerAgent(admin, "hops", "hop-" + i, "[\"read:data:*\"]"));
        }
        String token = a.token();
        List<String> tokens = new ArrayList<>(List.of(token));
        for (int hop = 1; hop <= 5; hop++) {
            var r = broker.delegate(token, agents.get(hop).agentId(), scopes.get(hop), 600L);
            assertEquals(200, r.status(), "hop " + hop + ": " + r);
            JsonObject body = r.json();
            assertEquals(hop, body.getJsonArray("delegation_chain").size());
            JsonObject lastLink = body.getJsonArray("delegation_chain").getJsonObject(hop - 1);
            assertEquals(agents.get(hop - 1).agentId(), lastLink.getString("agent"));
            token = body.getString("access_token");
            tokens.add(token);
            JsonObject claims = broker.validate(token).getJsonObject("claims");
            assertEquals(agents.get(hop).agentId(), claims.getString("sub"));
            assertEquals("hops-task", claims.getString("task_id"), "the delegator's task is inherited");
            assertEquals(a.agentId(), claims.getJsonArray("delegation_chain").getJsonObject(0).getString("agent"));
            assertTrue(claims.getString("chain_hash").matches("[0-9a-f]{64}"));
        }
        var sixth = broker.delegate(token, agents.get(6).agentId(), "[\"read:data:customers\"]", 600L);
        assertProblem(sixth, 403, "scope_violation", "/v1/delegate");
        tokens.forEach(t -> assertTrue(broker.valid(t)));
    }

    /**
     * A delegation to an agent that does not exist is refused before the HSM is asked for anything: a
     * caller with one valid token cannot spend the broker's signatures (or its writer) on requests that fail.
     */
    @Test
    void aDelegationToAnUnknownAgentCostsNoSignature() {
        TestBroker.Agent a = broker.registerAgent(admin, "nosign", "nosign-task", "[\"read:data:*\"]");
        double before = signatures();
        for (int i = 0; i < 5; i++) {
            var r = broker.delegate(a.token(), "spiffe://mandate.local/agent/nosign/none/" + i, "[\"read:data:*\"]", 60L);
            assertProblem(r, 404, "not_found", "/v1/delegate");
        }
        assertEquals(before, signatures(), "no token was signed for a refused delegation");
    }

    private double signatures() {
        return MetricsTest.samples(broker.get("/v1/metrics", null).body()).getOrDefault("mandate_hsm_sign_seconds_count", 0.0);
    }

    @Test
    void wideningAtAnyHopIsRefusedAndAudited() {
        TestBroker.Agent a = broker.registerAgent(admin, "widen", "widen-a", "[\"read:data:*\"]");
        TestBroker.Agent b = broker.registerAgent(admin, "widen", "widen-b", "[\"read:data:*\"]");
        TestBroker.Agent c = broker.registerAgent(admin, "widen", "widen-c", "[\"read:data:*\"]");
        assertProblem(broker.delegate(a.token(), b.agentId(), "[\"write:data:x\"]", null), 403, "scope_violation", "/v1/delegate");
        String ab = broker.delegated(a.token(), b.agentId(), "[\"read:data:reports\"]");
        assertProblem(broker.delegate(ab, c.agentId(), "[\"read:data:*\"]", null), 403, "scope_violation", "/v1/delegate");
        assertProblem(broker.delegate(ab, c.agentId(), "[\"read:data:reports\",\"read:data:other\"]", null), 403, "scope_violation", "/v1/delegate");
        assertProblem(broker.delegate(ab, c.agentId(), "[\"admin:revoke:*\"]", null), 403, "scope_violation", "/v1/delegate");
        var audit = broker.get("/v1/audit/events?event_type=delegation_attenuation_violation&agent_id="
                + java.net.URLEncoder.encode(b.agentId(), java.nio.charset.StandardCharsets.UTF_8), admin).json();
        assertEquals(3, audit.getInt("total"));
        assertEquals(200, broker.delegate(ab, c.agentId(), "[\"read:data:reports\"]", null).status());
    }

    @Test
    void aDelegatedTokenNeverOutlivesItsParent() {
        String launch = broker.launchToken(admin, "[\"read:data:*\"]", "\"max_ttl\":300");
        var keys = TestBroker.ed25519();
        var reg = broker.post("/v1/register", TestBroker.registration(launch, broker.nonce(), keys, "ttl", "parent",
                "[\"read:data:*\"]"), null).json();
        String parent = reg.getString("access_token");
        long parentExp = broker.validate(parent).getJsonObject("claims").getJsonNumber("exp").longValue();
        TestBroker.Agent b = broker.registerAgent(admin, "ttl", "child", "[\"read:data:*\"]");

        broker.clock.advance(Duration.ofSeconds(290));   // the parent has 10 s left
        try {
            var r = broker.delegate(parent, b.agentId(), "[\"read:data:*\"]", 3600L);
            assertEquals(200, r.status(), r.toString());
            assertEquals(10, r.json().getInt("expires_in"));
            String child = r.json().getString("access_token");
            assertEquals(parentExp, broker.validate(child).getJsonObject("claims").getJsonNumber("exp").longValue());
            assertEquals(10, broker.delegate(parent, b.agentId(), "[\"read:data:*\"]", null).json().getInt("expires_in"),
                    "the default ttl (60 s) is capped to the parent's 10 s too");

            broker.clock.advance(Duration.ofSeconds(10));
            assertTrue(!broker.valid(child) && !broker.valid(parent), "both expire together");
        } finally {
            broker.clock.advance(Duration.ofSeconds(-300));
        }
    }

    @Test
    void delegationErrorPaths() {
        TestBroker.Agent a = broker.registerAgent(admin, "err", "err-a", "[\"read:data:*\"]");
        TestBroker.Agent b = broker.registerAgent(admin, "err", "err-b", "[\"read:data:*\"]");
        String path = "/v1/delegate";
        assertProblem(broker.post(path, "{\"scope\":[\"read:data:x\"]}", a.token()), 400, "invalid_request", path);
        assertProblem(broker.post(path, "{\"delegate_to\":\"" + b.agentId() + "\",\"scope\":[]}", a.token()), 400, "invalid_request", path);
        assertProblem(broker.post(path, "{\"delegate_to\":\"" + b.agentId() + "\"}", a.token()), 400, "invalid_request", path);
        assertProblem(broker.delegate(a.token(), b.agentId(), "[\"read:data:x\"]", 0L), 400, "invalid_ttl", path);
        assertProblem(broker.delegate(a.token(), "spiffe://mandate.local/agent/x/y/0000000000000000", "[\"read:data:x\"]", null),
                404, "not_found", path);
        assertProblem(broker.delegate(admin, b.agentId(), "[\"read:data:x\"]", null), 403, "forbidden", path);
        assertProblem(broker.delegate("garbage", b.agentId(), "[\"read:data:x\"]", null), 401, "unauthorized", path);

        assertEquals(200, broker.revoke(admin, "agent", b.agentId()).status());
        assertProblem(broker.delegate(a.token(), b.agentId(), "[\"read:data:x\"]", null), 403, "forbidden", path);
    }

    /**
     * A token the broker never issued, signed with a key it trusts (as an attacker holding a compromised
     * key would): it authenticates, since its signature is good, but no issuance accepts it, because the
     * issuing transaction finds no live token row behind it.
     */
    @Test
    void aTokenForgedWithATrustedKeyCannotDelegateOrRenew() throws Exception {
        var holder = broker.registerAgent(admin, "forge", "forge-task", "[\"read:data:x\"]");
        var target = broker.registerAgent(admin, "forge", "forge-task", "[\"read:data:x\"]");
        var real = com.nimbusds.jwt.SignedJWT.parse(holder.token()).getJWTClaimsSet();
        var forgedClaims = new com.nimbusds.jwt.JWTClaimsSet.Builder(real)
                .jwtID(java.util.HexFormat.of().formatHex(java.security.SecureRandom.getSeed(16)))
                .claim("scope", List.of("read:data:*", "write:data:*"))
                .build();
        String label = broker.broker().keys().list().stream().filter(k -> k.state() == dev.mandate.server.keys.KeyState.ACTIVE)
                .findFirst().orElseThrow().label();
        String forged = broker.broker().hsm().signer(label, 1).sign(forgedClaims);
        assertTrue(broker.valid(forged), "the forgery carries a good signature of a trusted key");

        assertProblem(broker.delegate(forged, target.agentId(), "[\"write:data:x\"]", 60L), 401, "unauthorized", "/v1/delegate");
        assertProblem(broker.post("/v1/token/renew", null, forged), 401, "unauthorized", "/v1/token/renew");

        // The same forgery reusing the real token's jti, sub and exp, with a wider scope: still no row describes it.
        String reused = broker.broker().hsm().signer(label, 1).sign(new com.nimbusds.jwt.JWTClaimsSet.Builder(real)
                .claim("scope", List.of("read:data:*", "write:data:*")).build());
        assertTrue(broker.valid(reused));
        assertProblem(broker.post("/v1/token/renew", null, reused), 401, "unauthorized", "/v1/token/renew");
        assertProblem(broker.delegate(reused, target.agentId(), "[\"write:data:x\"]", 60L), 401, "unauthorized", "/v1/delegate");
        assertEquals(200, broker.delegate(holder.token(), target.agentId(), "[\"read:data:x\"]", 60L).status(),
                "the genuine token still delegates");
    }
    @Test
    void aChainRevokedAgentReceivesNoDelegationEvenAfterItsEntriesAreGone() {
        var revoked = broker.registerAgent(admin, "chain-ban", "chain-ban", "[\"read:data:*\"]");
        assertEquals(200, broker.revoke(admin, "chain", revoked.agentId()).status());
        var delegator = broker.registerAgent(admin, "chain-ban", "chain-ban-2", "[\"read:data:*\"]");
        assertProblem(broker.delegate(delegator.token(), revoked.agentId(), "[\"read:data:x\"]", 60L), 403, "forbidden", "/v1/delegate");

        broker.clock.advance(Duration.ofHours(25));   // past max-ttl: the chain entry is pruned
        broker.broker().revocations().prune();
        var later = broker.registerAgent(broker.adminToken(), "chain-ban", "chain-ban-3", "[\"read:data:*\"]");
        assertProblem(broker.delegate(later.token(), revoked.agentId(), "[\"read:data:x\"]", 60L), 403, "forbidden", "/v1/delegate");
    }
}
