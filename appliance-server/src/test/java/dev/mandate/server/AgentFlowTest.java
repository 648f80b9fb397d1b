package dev.mandate.server;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The flow the AgentWrit Python SDK runs, step by step, against a real broker. */
class AgentFlowTest {

    @TempDir
    static Path data;
    static TestBroker broker;

    @BeforeAll
    static void start() {
        broker = TestBroker.start(data);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void renewalNeverPassesTheAgentsAbsoluteLifetime() {
        String admin = broker.adminToken();
        String launch = broker.launchToken(admin, "[\"read:data:*\"]", "\"max_ttl\":3000");
        var reg = broker.post("/v1/register", TestBroker.registration(launch, broker.nonce(), TestBroker.ed25519(),
                "o", "lifetime", "[\"read:data:x\"]"), null).json();
        assertEquals(3000, reg.getInt("expires_in"));
        String token = reg.getString("access_token");

        broker.clock.advance(Duration.ofSeconds(2000));       // 1600 s of the hour remain
        var renewed = broker.post("/v1/token/renew", null, token).json();
        assertEquals(1600, renewed.getInt("expires_in"), "capped by token.max-lifetime (1 h from registration)");
        token = renewed.getString("access_token");

        broker.clock.advance(Duration.ofSeconds(1599));       // one second of the hour remains
        var last = broker.post("/v1/token/renew", null, token).json();
        assertEquals(1, last.getInt("expires_in"));
        broker.clock.advance(Duration.ofSeconds(1));
        assertFalse(broker.valid(last.getString("access_token")));
        assertEquals(401, broker.post("/v1/token/renew", null, last.getString("access_token")).status());
        broker.clock.advance(Duration.ofSeconds(-3600));
    }

    @Test
    void appAuthLaunchChallengeRegisterValidateRenewRelease() {
        String admin = broker.adminToken();
        JsonObject app = broker.post("/v1/admin/apps",
                "{\"name\":\"sdk-app\",\"scopes\":[\"read:data:*\",\"write:data:reports\"],\"token_ttl\":1800}", admin).json();

        // App auth (SDK: AgentWritApp._authenticate)
        var auth = broker.post("/v1/app/auth", "{\"client_id\":\"" + app.getString("client_id")
                + "\",\"client_secret\":\"" + app.getString("client_secret") + "\"}", null);
        assertEquals(200, auth.status(), auth.toString());
        String appToken = auth.json().getString("access_token");
        assertEquals(1800, auth.json().getInt("expires_in"));

        // App launch token (SDK: orchestrator step 2)
        var launch = broker.post("/v1/app/launch-tokens", "{\"agent_name\":\"orch-1/task-1\",\"allowed_scope\":"
                + "[\"read:data:*\"],\"max_ttl\":300,\"single_use\":true}", appToken);
        assertEquals(201, launch.status(), launch.toString());
        String launchToken = launch.json().getString("launch_token");

        // Challenge, sign the hex-decoded nonce, register
        var challenge = broker.get("/v1/challenge", null).json();
        assertEquals(30, challenge.getInt("expires_in"));
        KeyPair keys = TestBroker.ed25519();
        var reg = broker.post("/v1/register", TestBroker.registration(launchToken, challenge.getString("nonce"), keys,
                "orch-1", "task-1", "[\"read:data:*\"]"), null);
        assertEquals(200, reg.status(), reg.toString());
        String agentId = reg.json().getString("agent_id");
        String token = reg.json().getString("access_token");
        assertTrue(agentId.matches("spiffe://mandate\\.local/agent/orch-1/task-1/[0-9a-f]{16}"), agentId);
        assertEquals(300, reg.json().getInt("expires_in"));

        // Validate: every documented claim is there
        JsonObject v = broker.validate(token);
        assertTrue(v.getBoolean("valid"));
        JsonObject claims = v.getJsonObject("claims");
        for (String claim : List.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "scope", "task_id", "orch_id")) {
            assertTrue(claims.containsKey(claim), claim + " missing in " + claims);
        }
        assertEquals("http://mandate.test", claims.getString("iss"));
        assertEquals(agentId, claims.getString("sub"));
        assertEquals("task-1", claims.getString("task_id"));
        assertEquals("orch-1", claims.getString("orch_id"));
        assertEquals(List.of("read:data:*"), claims.getJsonArray("scope").getValuesAs(jakarta.json.JsonString::getString));
        assertTrue(claims.getString("jti").matches("[0-9a-f]{32}"));
        long lifetime = claims.getJsonNumber("exp").longValue() - claims.getJsonNumber("iat").longValue();
        assertEquals(300, lifetime);

        // Renew: old token invalid, new valid, same lifetime length
        broker.clock.advance(Duration.ofSeconds(100));
        var renew = broker.post("/v1/token/renew", null, token);
        assertEquals(200, renew.status(), renew.toString());
        String renewed = renew.json().getString("access_token");
        assertEquals(300, renew.json().getInt("expires_in"));
        assertFalse(broker.valid(token));
        JsonObject renewedClaims = broker.validate(renewed).getJsonObject("claims");
        assertNotEquals(claims.getString("jti"), renewedClaims.getString("jti"));
        assertEquals(300, renewedClaims.getJsonNumber("exp").longValue() - renewedClaims.getJsonNumber("iat").longValue());
        assertEquals(claims.getJsonNumber("iat").longValue() + 100, renewedClaims.getJsonNumber("iat").longValue());

        // Release: 204, then invalid everywhere
        var release = broker.post("/v1/token/release", null, renewed);
        assertEquals(204, release.status(), release.toString());
        assertFalse(broker.valid(renewed));
        assertEquals(401, broker.post("/v1/token/renew", null, renewed).status());
    }
}
