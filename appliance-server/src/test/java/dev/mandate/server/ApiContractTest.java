package dev.mandate.server;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;

import static dev.mandate.server.Problem.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every endpoint of SPEC §2.2: the success path and each error path, with exact status, code and fields. */
class ApiContractTest extends WithBroker {

    private static List<String> strings(JsonObject o, String key) {
        return o.getJsonArray(key).getValuesAs(JsonString::getString);
    }

    // ---- cross-cutting ----------------------------------------------------------------------

    @Test
    void everyResponseCarriesRequestIdAndSecurityHeaders() {
        for (var r : List.of(broker.get("/v1/health", null), broker.get("/v1/nope", null),
                broker.post("/v1/token/validate", "{}", null))) {
            assertTrue(r.header("X-Request-ID").matches("[0-9a-f]{24}"), r.header("X-Request-ID"));
            assertEquals("nosniff", r.header("X-Content-Type-Options"));
            assertEquals("DENY", r.header("X-Frame-Options"));
            assertEquals("no-store", r.header("Cache-Control"));
            assertNull(r.header("Strict-Transport-Security"), "no HSTS without TLS");
        }
    }

    @Test
    void aSafeClientRequestIdIsEchoedAndAnUnsafeOneReplaced() {
        var echoed = broker.send(HttpRequest.newBuilder(URI.create(broker.url() + "/v1/health")).GET(), null,
                Map.of("X-Request-ID", "trace.42_abc-DEF"));
        assertEquals("trace.42_abc-DEF", echoed.header("X-Request-ID"));
        var replaced = broker.send(HttpRequest.newBuilder(URI.create(broker.url() + "/v1/health")).GET(), null,
                Map.of("X-Request-ID", "evil value <script>"));
        assertTrue(replaced.header("X-Request-ID").matches("[0-9a-f]{24}"));
        var tooLong = broker.send(HttpRequest.newBuilder(URI.create(broker.url() + "/v1/health")).GET(), null,
                Map.of("X-Request-ID", "a".repeat(65)));
        assertNotEquals("a".repeat(65), tooLong.header("X-Request-ID"));
    }

    @Test
    void unknownPathsAndWrongMethodsAreProblems() {
        assertProblem(broker.get("/v1/nope", null), 404, "not_found", "/v1/nope");
        assertProblem(broker.get("/", null), 404, "not_found", "/");
        assertProblem(broker.get("/v1/register", null), 405, "method_not_allowed", "/v1/register");
        assertProblem(broker.delete("/v1/health", null), 405, "method_not_allowed", "/v1/health");
        assertProblem(broker.put("/v1/admin/apps", "{}", admin), 405, "method_not_allowed", "/v1/admin/apps");
    }

    @Test
    void requestsHelidonRefusesBeforeRoutingAreProblemsToo() {
        // An unencoded ':' in a query is refused by Helidon's URI validation.
        var r = broker.get("/v1/health?x=a:b", null);
        assertEquals(400, r.status());
        assertTrue(r.header("Content-Type").startsWith("application/problem+json"));
        assertEquals("invalid_request", r.json().getString("error_code"));
        assertEquals(r.header("X-Request-ID"), r.json().getString("request_id"));
        assertEquals("nosniff", r.header("X-Content-Type-Options"));
    }

    @Test
    void bodiesOverOneMebibyteAre413() {
        String big = "{\"token\":\"" + "a".repeat(1024 * 1024) + "\"}";
        var p = assertProblem(broker.post("/v1/token/validate", big, null), 413, "payload_too_large", "/v1/token/validate");
        assertEquals("Content Too Large", p.getString("title"));
        assertProblem(broker.post("/v1/register", big, null), 413, "payload_too_large", "/v1/register");
    }

    // ---- health, metrics, challenge ----------------------------------------------------------

    @Test
    void healthReportsVersionUptimeDatabaseAndAuditCount() {
        var r = broker.get("/v1/health", null);
        assertEquals(200, r.status());
        JsonObject h = r.json();
        assertEquals("ok", h.getString("status"));
        assertEquals("2.0.0", h.getString("version"));
        assertTrue(h.getJsonNumber("uptime").longValue() >= 0);
        assertTrue(h.getBoolean("db_connected"));
        assertTrue(h.getJsonNumber("audit_events_count").longValue() > 0);
    }

    @Test
    void challengeGivesAFresh64HexNonceFor30Seconds() {
        JsonObject a = broker.get("/v1/challenge", null).json();
        JsonObject b = broker.get("/v1/challenge", null).json();
        assertTrue(a.getString("nonce").matches("[0-9a-f]{64}"));
        assertEquals(30, a.getInt("expires_in"));
        assertNotEquals(a.getString("nonce"), b.getString("nonce"));
    }

    // ---- admin auth --------------------------------------------------------------------------

    @Test
    void adminAuthAnswersABearerTokenOrProblems() {
        var ok = broker.post("/v1/admin/auth", "{\"secret\":\"" + TestBroker.ADMIN_SECRET + "\"}", null);
        assertEquals(200, ok.status());
        assertEquals("Bearer", ok.json().getString("token_type"));
        assertEquals(300, ok.json().getInt("expires_in"));
        JsonObject claims = broker.validate(ok.json().getString("access_token")).getJsonObject("claims");
        assertEquals("admin", claims.getString("sub"));
        assertTrue(strings(claims, "scope").containsAll(List.of("admin:launch-tokens:*", "admin:revoke:*", "admin:audit:*")));

        assertProblem(broker.post("/v1/admin/auth", "{\"secret\":\"wrong\"}", null), 401, "unauthorized", "/v1/admin/auth");
        assertProblem(broker.post("/v1/admin/auth", "{}", null), 400, "invalid_request", "/v1/admin/auth");
        assertProblem(broker.post("/v1/admin/auth", "{\"secret\":42}", null), 400, "invalid_request", "/v1/admin/auth");
        assertProblem(broker.post("/v1/admin/auth", "{\"secret\":", null), 400, "invalid_request", "/v1/admin/auth");
    }

    @Test
    void adminTokensCannotBeRenewed() {
        assertProblem(broker.post("/v1/token/renew", null, admin), 403, "forbidden", "/v1/token/renew");
    }

    // ---- launch tokens -----------------------------------------------------------------------

    @Test
    void adminLaunchTokenIs201WithPolicy() {
        var r = broker.post("/v1/admin/launch-tokens", "{\"agent_name\":\"a\",\"allowed_scope\":[\"read:data:*\"],"
                + "\"max_ttl\":600,\"ttl\":60}", admin);
        assertEquals(201, r.status(), r.toString());
        JsonObject body = r.json();
        assertTrue(body.getString("launch_token").matches("[0-9a-f]{64}"));
        java.time.Instant expires = java.time.Instant.parse(body.getString("expires_at"));
        assertEquals(60, expires.getEpochSecond() - broker.clock.instant().getEpochSecond(), 1);
        assertEquals(List.of("read:data:*"), strings(body.getJsonObject("policy"), "allowed_scope"));
        assertEquals(600, body.getJsonObject("policy").getInt("max_ttl"));
    }

    @Test
    void launchTokenMaxTtlAboveTheCeilingIsCappedNotRefused() {
        var r = broker.post("/v1/admin/launch-tokens", "{\"agent_name\":\"a\",\"allowed_scope\":[\"read:data:*\"],"
                + "\"max_ttl\":999999}", admin);
        assertEquals(201, r.status());
        assertEquals(86400, r.json().getJsonObject("policy").getInt("max_ttl"));
    }

    @Test
    void launchTokenValidationErrors() {
        String path = "/v1/admin/launch-tokens";
        assertProblem(broker.post(path, "{\"allowed_scope\":[\"read:data:*\"]}", admin), 400, "invalid_request", path);
        assertProblem(broker.post(path, "{\"agent_name\":\"a\",\"allowed_scope\":[]}", admin), 400, "invalid_request", path);
        assertProblem(broker.post(path, "{\"agent_name\":\"a\"}", admin), 400, "invalid_request", path);
        assertProblem(broker.post(path, "{\"agent_name\":\"a\",\"allowed_scope\":[\"nocolons\"]}", admin), 400, "invalid_request", path);
        assertProblem(broker.post(path, "{\"agent_name\":\"a\",\"allowed_scope\":\"read:data:*\"}", admin), 400, "invalid_request", path);
        assertProblem(broker.post(path, "{\"agent_name\":\"a\",\"allowed_scope\":[\"admin:revoke:*\"]}", admin), 400, "invalid_request", path);
        assertProblem(broker.post(path, "{\"agent_name\":\"a\",\"allowed_scope\":[\"app:launch-tokens:*\"]}", admin), 400, "invalid_request", path);
        assertProblem(broker.post(path, "{\"agent_name\":\"a\",\"allowed_scope\":[\"read:data:*\"],\"ttl\":0}", admin), 400, "invalid_ttl", path);
        assertProblem(broker.post(path, "{\"agent_name\":\"a\",\"allowed_scope\":[\"read:data:*\"],\"max_ttl\":-5}", admin), 400, "invalid_ttl", path);
        assertProblem(broker.post(path, "{\"agent_name\":\"a\",\"allowed_scope\":[\"read:data:*\"],\"ttl\":1.5}", admin), 400, "invalid_request", path);
        assertProblem(broker.post(path, "{\"agent_name\":\"a\",\"allowed_scope\":[\"read:data:*\"],\"single_use\":\"yes\"}", admin), 400, "invalid_request", path);
        assertProblem(broker.post(path, "{\"agent_name\":\"a\",\"allowed_scope\":[\"read:data:*\"]}", null), 401, "unauthorized", path);
    }

    @Test
    void launchTokenRoutesAreNotCrossCallable() {
        var app = newApp("cross-app", "[\"read:data:*\"]");
        String appToken = appToken(app);
        String body = "{\"agent_name\":\"a\",\"allowed_scope\":[\"read:data:*\"]}";
        assertProblem(broker.post("/v1/admin/launch-tokens", body, appToken), 403, "insufficient_scope", "/v1/admin/launch-tokens");
        assertProblem(broker.post("/v1/app/launch-tokens", body, admin), 403, "insufficient_scope", "/v1/app/launch-tokens");
        assertEquals(201, broker.post("/v1/app/launch-tokens", body, appToken).status());
    }

    @Test
    void appLaunchTokensStayWithinTheAppCeiling() {
        String appToken = appToken(newApp("ceiling-app", "[\"read:data:*\",\"write:data:reports\"]"));
        String path = "/v1/app/launch-tokens";
        assertEquals(201, broker.post(path, "{\"agent_name\":\"a\",\"allowed_scope\":[\"read:data:x\",\"write:data:reports\"]}", appToken).status());
        assertProblem(broker.post(path, "{\"agent_name\":\"a\",\"allowed_scope\":[\"write:data:*\"]}", appToken), 403, "forbidden", path);
        assertProblem(broker.post(path, "{\"agent_name\":\"a\",\"allowed_scope\":[\"delete:data:x\"]}", appToken), 403, "forbidden", path);
    }

    // ---- apps --------------------------------------------------------------------------------

    @Test
    void appLifecycleCreateListGetUpdateDeactivate() {
        var created = broker.post("/v1/admin/apps", "{\"name\":\"life-app\",\"scopes\":[\"read:data:*\"]}", admin);
        assertEquals(201, created.status(), "201 Created, as AgentWrit 2.0's code and OpenAPI answer: " + created);
        JsonObject app = created.json();
        String id = app.getString("app_id");
        assertTrue(app.getString("client_secret").length() >= 32);
        assertEquals(1800, app.getInt("token_ttl"));
        assertEquals("active", app.getString("status"));
        assertTrue(app.isNull("deregistered_at"));

        JsonObject got = broker.get("/v1/admin/apps/" + id, admin).json();
        assertFalse(got.containsKey("client_secret"), "the secret is shown once only");
        assertEquals("life-app", got.getString("name"));

        var list = broker.get("/v1/admin/apps", admin).json();
        assertTrue(list.getJsonArray("apps").stream().anyMatch(a -> a.asJsonObject().getString("app_id").equals(id)));
        assertEquals(list.getJsonArray("apps").size(), list.getInt("total"));
        assertFalse(list.toString().contains("client_secret"));

        var updated = broker.put("/v1/admin/apps/" + id, "{\"scopes\":[\"read:data:*\",\"write:data:x\"],\"token_ttl\":3600,\"status\":\"inactive\"}", admin);
        assertEquals(200, updated.status(), updated.toString());
        assertEquals(3600, updated.json().getInt("token_ttl"));
        assertEquals(List.of("read:data:*", "write:data:x"), strings(updated.json(), "scopes"));
        assertEquals("active", updated.json().getString("status"), "PUT does not change status");

        String appToken = appToken(app);
        assertTrue(broker.valid(appToken));
        var deleted = broker.delete("/v1/admin/apps/" + id, admin);
        assertEquals(200, deleted.status());
        assertEquals("inactive", deleted.json().getString("status"));
        assertFalse(deleted.json().isNull("deregistered_at"));
        assertFalse(broker.valid(appToken), "a deactivated app's tokens stop working at once");
        assertProblem(broker.post("/v1/app/launch-tokens", "{\"agent_name\":\"a\",\"allowed_scope\":[\"read:data:x\"]}", appToken),
                401, "unauthorized", "/v1/app/launch-tokens");
        assertProblem(broker.post("/v1/app/auth", "{\"client_id\":\"" + app.getString("client_id") + "\",\"client_secret\":\""
                + app.getString("client_secret") + "\"}", null), 401, "unauthorized", "/v1/app/auth");
    }

    @Test
    void appValidationErrors() {
        String path = "/v1/admin/apps";
        newApp("dupe-app", "[\"read:data:*\"]");
        assertProblem(broker.post(path, "{\"name\":\"dupe-app\",\"scopes\":[\"read:data:*\"]}", admin), 409, "conflict", path);
        assertProblem(broker.post(path, "{\"name\":\"Bad_Name\",\"scopes\":[\"read:data:*\"]}", admin), 400, "invalid_request", path);
        assertProblem(broker.post(path, "{\"name\":\"a" + "b".repeat(64) + "\",\"scopes\":[\"read:data:*\"]}", admin), 400, "invalid_request", path);
        assertProblem(broker.post(path, "{\"name\":\"ok-name\"}", admin), 400, "invalid_request", path);
        assertProblem(broker.post(path, "{\"name\":\"ok-name\",\"scopes\":[]}", admin), 400, "invalid_request", path);
        assertProblem(broker.post(path, "{\"name\":\"ok-name\",\"scopes\":[\"admin:audit:*\"]}", admin), 400, "invalid_request", path);
        assertProblem(broker.post(path, "{\"name\":\"ok-name\",\"scopes\":[\"read:data:*\"],\"token_ttl\":59}", admin), 400, "invalid_ttl", path);
        assertProblem(broker.post(path, "{\"name\":\"ok-name\",\"scopes\":[\"read:data:*\"],\"token_ttl\":86401}", admin), 400, "invalid_ttl", path);
        assertProblem(broker.post(path, "{\"name\":\"ok-name\",\"scopes\":[\"read:data:*\"],\"token_ttl\":0}", admin), 400, "invalid_ttl", path);
        assertProblem(broker.get("/v1/admin/apps/no-such-id", admin), 404, "not_found", "/v1/admin/apps/no-such-id");
        assertProblem(broker.put("/v1/admin/apps/no-such-id", "{\"token_ttl\":600}", admin), 404, "not_found", "/v1/admin/apps/no-such-id");
        assertProblem(broker.delete("/v1/admin/apps/no-such-id", admin), 404, "not_found", "/v1/admin/apps/no-such-id");
        assertProblem(broker.get("/v1/admin/apps", null), 401, "unauthorized", path);
        assertEquals(1, broker.get("/v1/admin/apps", admin).json().getJsonArray("apps").stream()
                .filter(a -> a.asJsonObject().getString("name").equals("dupe-app")).count(), "the refusals changed nothing");
    }

    @Test
    void updatingAnAppNeedsScopesOrTokenTtl() {
        String id = newApp("put-needs-fields", "[\"read:data:*\"]").getString("app_id");
        String path = "/v1/admin/apps/" + id;
        JsonObject before = broker.get(path, admin).json();
        for (String body : List.of("{}", "{\"status\":\"inactive\"}", "{\"unknown\":1,\"name\":\"other\"}",
                "{\"scopes\":null,\"token_ttl\":null}")) {
            assertProblem(broker.put(path, body, admin), 400, "invalid_request", path);
        }
        assertEquals(before, broker.get(path, admin).json(), "a refused update changes nothing");
        assertEquals(200, broker.put(path, "{\"token_ttl\":600}", admin).status(), "one of the two is enough");
    }

    @Test
    void appAuthErrors() {
        JsonObject app = newApp("auth-app", "[\"read:data:*\"]");
        String path = "/v1/app/auth";
        assertProblem(broker.post(path, "{\"client_id\":\"" + app.getString("client_id") + "\",\"client_secret\":\"wrong\"}", null), 401, "unauthorized", path);
        assertProblem(broker.post(path, "{\"client_id\":\"nobody\",\"client_secret\":\"x\"}", null), 401, "unauthorized", path);
        assertProblem(broker.post(path, "{\"client_id\":\"" + app.getString("client_id") + "\"}", null), 400, "invalid_request", path);
        var ok = broker.post(path, "{\"client_id\":\"" + app.getString("client_id") + "\",\"client_secret\":\""
                + app.getString("client_secret") + "\"}", null);
        assertEquals(200, ok.status());
        assertEquals(List.of("app:launch-tokens:*", "app:agents:*", "app:audit:read"), strings(ok.json(), "scopes"));
        assertEquals("Bearer", ok.json().getString("token_type"));
    }

    // ---- registration ------------------------------------------------------------------------

    @Test
    void registrationErrorPaths() {
        String path = "/v1/register";
        String launch = broker.launchToken(admin, "[\"read:data:*\"]", "");
        var keys = TestBroker.ed25519();
        assertProblem(broker.post(path, "{}", null), 400, "invalid_request", path);
        assertProblem(broker.post(path, TestBroker.registration(launch, broker.nonce(), keys, "o/../x", "t", "[\"read:data:x\"]"), null), 400, "invalid_request", path);
        assertProblem(broker.post(path, TestBroker.registration(launch, broker.nonce(), keys, "o", "..", "[\"read:data:x\"]"), null), 400, "invalid_request", path);
        assertProblem(broker.post(path, TestBroker.registration(launch, broker.nonce(), keys, "o", "t".repeat(129), "[\"read:data:x\"]"), null), 400, "invalid_request", path);
        assertProblem(broker.post(path, TestBroker.registration(launch, broker.nonce(), keys, "o", "t", "[]"), null), 400, "invalid_request", path);
        assertProblem(broker.post(path, TestBroker.registration(launch, "ab".repeat(32), keys, "o", "t", "[\"read:data:x\"]"), null), 401, "unauthorized", path);
        String nonce = broker.nonce();
        String badSignature = TestBroker.registration(launch, nonce, keys, "o", "t", "[\"read:data:x\"]")
                .replace(TestBroker.sign(keys, nonce), TestBroker.sign(TestBroker.ed25519(), nonce));
        assertProblem(broker.post(path, badSignature, null), 401, "unauthorized", path);
        assertProblem(broker.post(path, TestBroker.registration("0".repeat(64), broker.nonce(), keys, "o", "t", "[\"read:data:x\"]"), null), 401, "unauthorized", path);
        assertProblem(broker.post(path, TestBroker.registration(launch, broker.nonce(), keys, "o", "t", "[\"write:data:x\"]"), null), 403, "scope_violation", path);
        // None of those consumed the launch token.
        assertEquals(200, broker.post(path, TestBroker.registration(launch, broker.nonce(), keys, "o", "t", "[\"read:data:x\"]"), null).status());
    }

    // ---- validate ----------------------------------------------------------------------------

    @Test
    void validateAnswersGenericallyForAnythingInvalid() {
        for (String garbage : List.of("", "x", "a.b.c", "eyJhbGciOiJub25lIn0.e30.", "x".repeat(20000))) {
            var r = broker.post("/v1/token/validate", "{\"token\":" + jakarta.json.Json.createValue(garbage) + "}", null);
            if (garbage.isEmpty()) {
                assertProblem(r, 400, "invalid_request", "/v1/token/validate");
                continue;
            }
            assertEquals(200, r.status());
            assertEquals("{\"valid\":false,\"error\":\"token is invalid or expired\"}", r.body());
        }
        assertProblem(broker.post("/v1/token/validate", "{}", null), 400, "invalid_request", "/v1/token/validate");
        assertProblem(broker.post("/v1/token/validate", "[]", null), 400, "invalid_request", "/v1/token/validate");
        assertProblem(broker.post("/v1/token/validate", null, null), 400, "invalid_request", "/v1/token/validate");
    }

    @Test
    void bearerFailuresSayOnlyTokenVerificationFailed() {
        for (String bad : List.of("garbage", admin + "x")) {
            var p = assertProblem(broker.post("/v1/token/renew", null, bad), 401, "unauthorized", "/v1/token/renew");
            assertEquals("token verification failed", p.getString("detail"));
        }
        var p = assertProblem(broker.post("/v1/token/release", null, null), 401, "unauthorized", "/v1/token/release");
        assertEquals("token verification failed", p.getString("detail"));
    }

    // ---- audit -------------------------------------------------------------------------------

    @Test
    void auditEventsFilterPageAndCapTheLimit() {
        var agent = broker.registerAgent(admin, "audit-orch", "audit-task", "[\"read:data:*\"]");
        var r = broker.get("/v1/audit/events?agent_id=" + java.net.URLEncoder.encode(agent.agentId(),
                java.nio.charset.StandardCharsets.UTF_8) + "&event_type=agent_registered", admin);
        assertEquals(200, r.status(), r.toString());
        JsonObject page = r.json();
        assertEquals(1, page.getInt("total"));
        JsonObject e = page.getJsonArray("events").getJsonObject(0);
        for (String field : List.of("id", "timestamp", "event_type", "agent_id", "task_id", "orch_id", "detail", "outcome", "prev_hash", "hash")) {
            assertTrue(e.containsKey(field), field);
        }
        assertEquals("audit-task", e.getString("task_id"));
        assertEquals("success", e.getString("outcome"));

        JsonObject capped = broker.get("/v1/audit/events?limit=5000", admin).json();
        assertEquals(1000, capped.getInt("limit"));
        assertEquals(0, capped.getInt("offset"));
        JsonObject paged = broker.get("/v1/audit/events?limit=2&offset=1", admin).json();
        assertEquals(2, paged.getJsonArray("events").size());
        assertEquals(2, paged.getJsonArray("events").getJsonObject(0).getInt("id"));
        JsonObject denied = broker.get("/v1/audit/events?outcome=denied&since=2000-01-01T00%3A00%3A00Z", admin).json();
        assertTrue(denied.getJsonArray("events").stream().allMatch(x -> x.asJsonObject().getString("outcome").equals("denied")));

        assertProblem(broker.get("/v1/audit/events?limit=abc", admin), 400, "invalid_request", "/v1/audit/events");
        assertProblem(broker.get("/v1/audit/events?limit=0", admin), 400, "invalid_request", "/v1/audit/events");
        assertProblem(broker.get("/v1/audit/events?since=yesterday", admin), 400, "invalid_request", "/v1/audit/events");
        assertProblem(broker.get("/v1/audit/events", agent.token()), 403, "insufficient_scope", "/v1/audit/events");
        assertProblem(broker.get("/v1/audit/events", null), 401, "unauthorized", "/v1/audit/events");
    }

    @Test
    void auditVerifyRecomputesTheChain() {
        var r = broker.get("/v1/audit/verify", admin);
        assertEquals(200, r.status());
        JsonObject v = r.json();
        assertTrue(v.getBoolean("valid"));
        assertTrue(v.getJsonNumber("events").longValue() > 0);
        assertTrue(v.getString("head_hash").matches("[0-9a-f]{64}"));
        assertTrue(v.isNull("first_broken_id"));
        assertProblem(broker.get("/v1/audit/verify", null), 401, "unauthorized", "/v1/audit/verify");
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static JsonObject newApp(String name, String scopes) {
        var r = broker.post("/v1/admin/apps", "{\"name\":\"" + name + "\",\"scopes\":" + scopes + "}", admin);
        assertEquals(201, r.status(), r.toString());
        return r.json();
    }

    private static String appToken(JsonObject app) {
        var r = broker.post("/v1/app/auth", "{\"client_id\":\"" + app.getString("client_id") + "\",\"client_secret\":\""
                + app.getString("client_secret") + "\"}", null);
        assertEquals(200, r.status(), r.toString());
        return r.json().getString("access_token");
    }
}
