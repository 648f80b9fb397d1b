package dev.mandate.server;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static dev.mandate.server.Problem.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ceilings that hold for every token and every scope, whoever asks. */
class TokenCeilingsTest {

    @TempDir
    Path data;

    @Test
    void maxTtlCapsAdminAndAppTokensToo() {
        try (TestBroker broker = TestBroker.start(data, Map.of("MANDATE_MAX_TTL", "120"))) {
            var admin = broker.post("/v1/admin/auth", "{\"secret\":\"" + TestBroker.ADMIN_SECRET + "\"}", null).json();
            assertTrue(admin.getInt("expires_in") <= 120, "admin token: " + admin.getInt("expires_in"));
            String token = admin.getString("access_token");
            JsonObject app = broker.post("/v1/admin/apps", "{\"name\":\"long-lived\",\"scopes\":[\"read:data:*\"],\"token_ttl\":3600}",
                    token).json();
            var appToken = broker.post("/v1/app/auth", "{\"client_id\":\"" + app.getString("client_id")
                    + "\",\"client_secret\":\"" + app.getString("client_secret") + "\"}", null).json();
            assertEquals(120, appToken.getInt("expires_in"), "the app's token_ttl of 3600 is capped by MANDATE_MAX_TTL");
            long exp = broker.validate(appToken.getString("access_token")).getJsonObject("claims").getJsonNumber("exp").longValue();
            long iat = broker.validate(appToken.getString("access_token")).getJsonObject("claims").getJsonNumber("iat").longValue();
            assertEquals(120, exp - iat, "and so is the token itself");
        }
    }

    @Test
    void reservedScopeFamiliesAreRefusedInAnyLetterCase() {
        try (TestBroker broker = TestBroker.start(data)) {
            String admin = broker.adminToken();
            for (String scope : new String[]{"ADMIN:revoke:*", "Admin:keys:*", "aDmIn:audit:*", "APP:launch-tokens:*", "App:agents:x"}) {
                assertProblem(broker.post("/v1/admin/launch-tokens", "{\"agent_name\":\"x\",\"allowed_scope\":[\"" + scope + "\"]}",
                        admin), 400, "invalid_request", "/v1/admin/launch-tokens");
            }
            String launch = broker.launchToken(admin, "[\"read:data:*\"]", "");
            assertProblem(broker.post("/v1/register", TestBroker.registration(launch, broker.nonce(), TestBroker.ed25519(),
                    "case", "case", "[\"ADMIN:revoke:*\"]"), null), 403, "scope_violation", "/v1/register");
            var a = broker.registerAgent(admin, "case", "case", "[\"read:data:*\"]");
            var b = broker.registerAgent(admin, "case", "case", "[\"read:data:*\"]");
            assertProblem(broker.delegate(a.token(), b.agentId(), "[\"App:agents:x\"]", 60L), 403, "scope_violation", "/v1/delegate");
            assertProblem(broker.post("/v1/admin/apps", "{\"name\":\"upper\",\"scopes\":[\"ADMIN:revoke:*\"]}", admin), 400,
                    "invalid_request", "/v1/admin/apps");
        }
    }
}
