package dev.mandate.server;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stop the broker and start it again on the same data directory: nothing acknowledged is lost. */
class RestartTest {

    @TempDir
    Path data;

    @Test
    void revokedStaysRevokedLiveTokensStayValidAppsAgentsAndTheAuditChainSurvive() {
        survivesRestart(data, java.util.Map.of());
    }

    /** The same check for a broker on {@code data} with {@code env} (PostgreSQL's test runs it there too). */
    static void survivesRestart(Path data, java.util.Map<String, String> env) {
        try (TestBroker broker = TestBroker.start(data, env)) {
            String admin = broker.adminToken();
            var kept = broker.registerAgent(admin, "orch", "kept", "[\"read:data:*\"]");
            var released = broker.registerAgent(admin, "orch", "released", "[\"read:data:*\"]");
            var renewed = broker.registerAgent(admin, "orch", "renewed", "[\"read:data:*\"]");
            assertEquals(204, broker.post("/v1/token/release", null, released.token()).status());
            String renewedToken = broker.post("/v1/token/renew", null, renewed.token()).json().getString("access_token");
            JsonObject app = broker.post("/v1/admin/apps", "{\"name\":\"survivor\",\"scopes\":[\"read:data:*\"]}", admin).json();
            JsonObject gone = broker.post("/v1/admin/apps", "{\"name\":\"gone\",\"scopes\":[\"read:data:*\"]}", admin).json();
            String goneToken = broker.post("/v1/app/auth", "{\"client_id\":\"" + gone.getString("client_id")
                    + "\",\"client_secret\":\"" + gone.getString("client_secret") + "\"}", null).json().getString("access_token");
            assertEquals(200, broker.delete("/v1/admin/apps/" + gone.getString("app_id"), admin).status());
            String launch = broker.launchToken(admin, "[\"read:data:*\"]", "\"single_use\":false");
            var keys = TestBroker.ed25519();
            String spent = TestBroker.registration(launch, broker.nonce(), keys, "orch", "spent", "[\"read:data:x\"]");
            assertEquals(200, broker.post("/v1/register", spent, null).status());
            String outstanding = TestBroker.registration(launch, broker.nonce(), keys, "orch", "late", "[\"read:data:x\"]");
            long eventsBefore = broker.get("/v1/audit/verify", admin).json().getJsonNumber("events").longValue();
            String headBefore = broker.get("/v1/audit/verify", admin).json().getString("head_hash");

            broker.restart();

            assertEquals(401, broker.post("/v1/register", spent, null).status(), "a spent nonce stays spent");
            assertEquals(200, broker.post("/v1/register", outstanding, null).status(),
                    "a challenge issued before the restart is answered after it, within its 30 s");

            assertTrue(broker.valid(kept.token()), "an unrevoked, unexpired token still validates");
            assertTrue(broker.valid(admin), "the admin token too");
            assertFalse(broker.valid(released.token()), "released stays released");
            assertFalse(broker.valid(renewed.token()), "a renewed token's old jti stays revoked");
            assertTrue(broker.valid(renewedToken));
            assertFalse(broker.valid(goneToken), "a deactivated app's token stays refused");
            var apps = broker.get("/v1/admin/apps", admin).json().getJsonArray("apps");
            assertTrue(apps.stream().anyMatch(a -> a.asJsonObject().getString("app_id").equals(app.getString("app_id"))
                    && a.asJsonObject().getString("status").equals("active")));
            assertTrue(apps.stream().anyMatch(a -> a.asJsonObject().getString("app_id").equals(gone.getString("app_id"))
                    && a.asJsonObject().getString("status").equals("inactive")));
            assertEquals(200, broker.post("/v1/token/renew", null, kept.token()).status(), "the agent is still registered");

            JsonObject verify = broker.get("/v1/audit/verify", admin).json();
            assertTrue(verify.getBoolean("valid"));
            assertTrue(verify.getJsonNumber("events").longValue() > eventsBefore, "the chain continues after the restart");
            var continued = broker.get("/v1/audit/events?limit=1&offset=" + eventsBefore, admin).json()
                    .getJsonArray("events").getJsonObject(0);
            assertEquals(eventsBefore + 1, continued.getJsonNumber("id").longValue());
            assertEquals(headBefore, continued.getString("prev_hash"));
        }
    }
}
