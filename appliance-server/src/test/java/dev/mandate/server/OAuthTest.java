package dev.mandate.server;

import com.nimbusds.jose.jwk.JWKSet;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import static dev.mandate.server.Problem.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Introspection (RFC 7662), token revocation (RFC 7009), metadata (RFC 8414), JWKS and the revocation feed. */
class OAuthTest extends WithBroker {

    static JsonObject app;
    static String appToken;

    @BeforeAll
    static void start() throws Exception {
        app = broker.post("/v1/admin/apps", "{\"name\":\"rs\",\"scopes\":[\"read:data:*\"]}", admin).json();
        appToken = broker.post("/v1/app/auth", "{\"client_id\":\"" + app.getString("client_id") + "\",\"client_secret\":\""
                + app.getString("client_secret") + "\"}", null).json().getString("access_token");
    }

    private static TestBroker.Response form(String path, String token, String authorization) {
        var request = HttpRequest.newBuilder(URI.create(broker.url() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
        return broker.send(request, null, authorization == null ? Map.of() : Map.of("Authorization", authorization));
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private static TestBroker.Agent appAgent(String task) {
        String launch = broker.post("/v1/app/launch-tokens", "{\"agent_name\":\"a\",\"allowed_scope\":[\"read:data:*\"]}",
                appToken).json().getString("launch_token");
        var keys = TestBroker.ed25519();
        var r = broker.post("/v1/register", TestBroker.registration(launch, broker.nonce(), keys, "orch", task,
                "[\"read:data:x\",\"read:data:y\"]"), null).json();
        return new TestBroker.Agent(r.getString("agent_id"), r.getString("access_token"), r.getInt("expires_in"), keys);
    }

    @Test
    void anActiveTokenIntrospectsWithTheSpecFields() {
        TestBroker.Agent agent = appAgent("introspected");
        for (String auth : new String[]{"Bearer " + admin, "Bearer " + appToken,
                basic(app.getString("client_id"), app.getString("client_secret"))}) {
            var r = form("/v1/introspect", agent.token(), auth);
            assertEquals(200, r.status(), r.toString());
            JsonObject i = r.json();
            assertTrue(i.getBoolean("active"));
            assertEquals("read:data:x read:data:y", i.getString("scope"));
            assertEquals(agent.agentId(), i.getString("sub"));
            assertEquals("introspected", i.getString("task_id"));
            assertEquals("orch", i.getString("orch_id"));
            assertEquals("http://mandate.test", i.getString("iss"));
            assertEquals(0, i.getInt("delegation_depth"));
            assertEquals(app.getString("client_id"), i.getString("client_id"));
            assertTrue(i.getJsonNumber("exp").longValue() > i.getJsonNumber("iat").longValue());
            assertTrue(i.getString("jti").matches("[0-9a-f]{32}"));
        }
    }

    @Test
    void revokedExpiredAndGarbageIntrospectAsExactlyInactive() {
        TestBroker.Agent revoked = appAgent("gone");
        broker.post("/v1/token/release", null, revoked.token());
        TestBroker.Agent expiring = appAgent("expiring");
        broker.clock.advance(Duration.ofSeconds(expiring.expiresIn()));
        try {
            for (String token : new String[]{revoked.token(), expiring.token(), "garbage", "a.b.c"}) {
                var r = form("/v1/introspect", token, basic(app.getString("client_id"), app.getString("client_secret")));
                assertEquals(200, r.status(), r.toString());
                assertEquals("{\"active\":false}", r.body());
            }
        } finally {
            broker.clock.advance(Duration.ofSeconds(-expiring.expiresIn()));
        }
    }

    @Test
    void introspectionNeedsAnAdminOrAppClient() {
        TestBroker.Agent agent = appAgent("who");
        assertProblem(form("/v1/introspect", agent.token(), null), 401, "unauthorized", "/v1/introspect");
        assertProblem(form("/v1/introspect", agent.token(), "Bearer " + agent.token()), 403, "insufficient_scope", "/v1/introspect");
        assertProblem(form("/v1/introspect", agent.token(), basic(app.getString("client_id"), "wrong")), 401, "unauthorized", "/v1/introspect");
        assertProblem(form("/v1/introspect", agent.token(), "Basic !!!"), 401, "unauthorized", "/v1/introspect");
        var json = broker.post("/v1/introspect", "{\"token\":\"x\"}", admin);
        assertProblem(json, 400, "invalid_request", "/v1/introspect");
    }

    @Test
    void rfc7009RevocationAlwaysAnswers200AndAnAppRevokesOnlyWhatItLaunched() {
        TestBroker.Agent mine = appAgent("mine");
        TestBroker.Agent other = broker.registerAgent(admin, "orch", "operator-launched", "[\"read:data:*\"]");
        TestBroker.Agent child = broker.registerAgent(admin, "orch", "child", "[\"read:data:*\"]");
        String delegated = broker.delegated(mine.token(), child.agentId(), "[\"read:data:x\"]");

        assertEquals(200, form("/v1/oauth/revoke", other.token(), "Bearer " + appToken).status());
        assertTrue(broker.valid(other.token()), "an app cannot revoke a token it did not launch");
        assertEquals(200, form("/v1/oauth/revoke", mine.token(), basic(app.getString("client_id"), app.getString("client_secret"))).status());
        assertFalse(broker.valid(mine.token()));
        assertFalse(broker.valid(delegated), "and its descendants");
        assertEquals(200, form("/v1/oauth/revoke", "garbage", "Bearer " + appToken).status());
        assertEquals(200, form("/v1/oauth/revoke", other.token(), "Bearer " + admin).status());
        assertFalse(broker.valid(other.token()), "the operator can revoke any token");
        assertProblem(form("/v1/oauth/revoke", child.token(), "Bearer " + child.token()), 403, "insufficient_scope", "/v1/oauth/revoke");
        assertProblem(form("/v1/oauth/revoke", child.token(), null), 401, "unauthorized", "/v1/oauth/revoke");
    }

    @Test
    void theFeedReturnsEveryEntrySinceASequenceInOrder() {
        long start = broker.get("/v1/revocations?since=0", admin).json().getJsonNumber("next").longValue();
        TestBroker.Agent a = broker.registerAgent(admin, "orch", "feed-1", "[\"read:data:*\"]");
        broker.revoke(admin, "task", "feed-task");
        broker.revoke(admin, "agent", a.agentId());
        broker.post("/v1/token/renew", null, broker.registerAgent(admin, "orch", "feed-2", "[\"read:data:*\"]").token());

        JsonObject page = broker.get("/v1/revocations?since=" + start, appToken).json();
        var entries = page.getJsonArray("entries");
        assertEquals(3, entries.size());
        assertEquals("task", entries.getJsonObject(0).getString("level"));
        assertEquals("feed-task", entries.getJsonObject(0).getString("target"));
        assertEquals("agent", entries.getJsonObject(1).getString("level"));
        assertEquals("superseded", entries.getJsonObject(2).getString("level"));
        long last = entries.getJsonObject(2).getJsonNumber("seq").longValue();
        assertEquals(last, page.getJsonNumber("next").longValue());
        assertTrue(entries.getJsonObject(0).getJsonNumber("seq").longValue() > start);
        var e = entries.getJsonObject(0);
        assertTrue(java.time.Instant.parse(e.getString("expires_at")).isAfter(java.time.Instant.parse(e.getString("revoked_at"))));

        JsonObject none = broker.get("/v1/revocations?since=" + last, admin).json();
        assertEquals(0, none.getJsonArray("entries").size());
        assertEquals(last, none.getJsonNumber("next").longValue());
        assertEquals(1, broker.get("/v1/revocations?since=" + start + "&limit=1", admin).json().getJsonArray("entries").size());
        assertEquals(3, broker.get("/v1/revocations?since=" + start + "&limit=99999", admin).json().getJsonArray("entries").size());

        assertProblem(broker.get("/v1/revocations", a.token()), 401, "unauthorized", "/v1/revocations");
        TestBroker.Agent live = broker.registerAgent(admin, "orch", "feed-3", "[\"read:data:*\"]");
        assertProblem(broker.get("/v1/revocations", live.token()), 403, "insufficient_scope", "/v1/revocations");
        assertProblem(broker.get("/v1/revocations?since=-1", admin), 400, "invalid_request", "/v1/revocations");
        assertProblem(broker.get("/v1/revocations?since=x", admin), 400, "invalid_request", "/v1/revocations");
    }

    @Test
    void jwksAndMetadataArePublicAndCacheable() throws Exception {
        for (String path : new String[]{"/.well-known/jwks.json", "/v1/jwks"}) {
            var r = broker.get(path, null);
            assertEquals(200, r.status());
            assertEquals("public, max-age=60", r.header("Cache-Control"));
            JWKSet set = JWKSet.parse(r.body());
            assertEquals(1, set.getKeys().size());
            var key = set.getKeys().getFirst();
            assertFalse(key.isPrivate());
            assertEquals("ES256", key.getAlgorithm().getName());
            assertEquals("sig", key.getKeyUse().identifier());
            String kid = com.nimbusds.jwt.SignedJWT.parse(admin).getHeader().getKeyID();
            assertEquals(kid, key.getKeyID());
        }
        var meta = broker.get("/.well-known/oauth-authorization-server", null);
        assertEquals(200, meta.status());
        JsonObject m = meta.json();
        assertEquals("http://mandate.test", m.getString("issuer"));
        assertEquals("http://mandate.test/.well-known/jwks.json", m.getString("jwks_uri"));
        assertEquals("http://mandate.test/v1/introspect", m.getString("introspection_endpoint"));
        assertEquals("http://mandate.test/v1/oauth/revoke", m.getString("revocation_endpoint"));
    }
}
