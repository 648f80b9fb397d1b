package dev.mandate.server;

import dev.mandate.server.error.Refusal;
import dev.mandate.server.http.RateLimiter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static dev.mandate.server.Problem.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateLimitTest {

    @TempDir
    Path data;

    @Test
    void adminAuthAllowsABurstOfTenThen429WithRetryAfter() {
        try (TestBroker broker = TestBroker.start(data.resolve("a"))) {
            for (int i = 0; i < 10; i++) {
                assertEquals(401, broker.post("/v1/admin/auth", "{\"secret\":\"guess-" + i + "\"}", null).status());
            }
            var limited = broker.post("/v1/admin/auth", "{\"secret\":\"" + TestBroker.ADMIN_SECRET + "\"}", null);
            assertProblem(limited, 429, "rate_limited", "/v1/admin/auth");
            assertTrue(Long.parseLong(limited.header("Retry-After")) >= 1);
            var audited = broker.broker().audit().query(new dev.mandate.server.audit.AuditLog.Query(null, null,
                    "rate_limited", "denied", null, null, 10, 0));
            assertEquals(1, audited.total());
            assertTrue(audited.events().getFirst().detail().startsWith("limiter=admin-auth client=127.0.0.1"));
        }
    }

    @Test
    void appAuthChallengeAndRegisterAreLimitedAsConfigured() throws Exception {
        Path config = data.resolve("limits.yaml");
        Files.writeString(config, """
                secrets:
                  bcrypt-cost: 4
                rate-limits:
                  challenge: { rate: 1, period: PT1M, burst: 2 }
                  register: { rate: 1, period: PT1M, burst: 1 }
                """);
        try (TestBroker broker = TestBroker.start(data.resolve("b"), Map.of("MANDATE_CONFIG", config.toString()))) {
            assertEquals(200, broker.get("/v1/challenge", null).status());
            assertEquals(200, broker.get("/v1/challenge", null).status());
            assertProblem(broker.get("/v1/challenge", null), 429, "rate_limited", "/v1/challenge");

            assertEquals(400, broker.post("/v1/register", "{}", null).status());
            assertProblem(broker.post("/v1/register", "{}", null), 429, "rate_limited", "/v1/register");

            String admin = broker.adminToken();
            var app = broker.post("/v1/admin/apps", "{\"name\":\"limited\",\"scopes\":[\"read:data:*\"]}", admin).json();
            String bad = "{\"client_id\":\"" + app.getString("client_id") + "\",\"client_secret\":\"nope\"}";
            for (int i = 0; i < 3; i++) {
                assertEquals(401, broker.post("/v1/app/auth", bad, null).status());
            }
            assertProblem(broker.post("/v1/app/auth", bad, null), 429, "rate_limited", "/v1/app/auth");
            // Per client id: another app is not affected.
            var other = broker.post("/v1/admin/apps", "{\"name\":\"other\",\"scopes\":[\"read:data:*\"]}", admin).json();
            assertEquals(200, broker.post("/v1/app/auth", "{\"client_id\":\"" + other.getString("client_id")
                    + "\",\"client_secret\":\"" + other.getString("client_secret") + "\"}", null).status());
        }
    }

    @Test
    void aLimiterRemembersABoundedNumberOfClients() {
        RateLimiter limiter = new RateLimiter(1, Duration.ofHours(1), 1, 100);
        for (int i = 0; i < 10_000; i++) {
            limiter.acquire("10.0." + (i / 256) + "." + (i % 256));
        }
        assertEquals(100, limiter.size(), "10,000 keys seen, 100 remembered");
        // A key seen once among a flood of others may be forgotten (it then starts full again); one that
        // keeps coming is remembered and limited: within a handful of tries its bucket is empty.
        Refusal.RateLimited refused = null;
        for (int i = 0; i < 10 && refused == null; i++) {
            try {
                limiter.acquire("client");
            } catch (Refusal.RateLimited e) {
                refused = e;
            }
        }
        assertNotNull(refused, "a repeated key is limited even while the limiter is full");
        assertTrue(refused.retryAfterSeconds() > 3000, "an hour's rate: the wait is most of an hour");
        assertEquals(100, limiter.size());
    }
}
