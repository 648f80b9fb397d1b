package dev.mandate.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code GET /v1/metrics} is the Prometheus text exposition format, checked by Prometheus's own
 * {@code promtool check metrics} (parser and naming lint), and its series count what the broker did.
 */
class MetricsTest {

    /** One sample line: name, optional labels, value. The format itself is promtool's to judge. */
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)");

    @TempDir
    Path data;

    @Test
    void metricsAreValidExpositionFormatAndCountWhatHappened() throws Exception {
        try (TestBroker broker = TestBroker.start(data)) {
            String admin = broker.adminToken();
            var a = broker.registerAgent(admin, "metrics", "task-m", "[\"read:data:*\"]");
            var b = broker.registerAgent(admin, "metrics", "task-m", "[\"read:data:*\"]");
            String delegated = broker.delegated(a.token(), b.agentId(), "[\"read:data:x\"]");
            String renewed = broker.post("/v1/token/renew", null, b.token()).json().getString("access_token");
            assertTrue(broker.valid(renewed));
            assertTrue(!broker.valid("not-a-token"));
            assertEquals(204, broker.post("/v1/token/release", null, renewed).status());
            String jti = broker.validate(delegated).getJsonObject("claims").getString("jti");
            assertEquals(1, broker.revoke(admin, "token", jti).json().getInt("count"));
            int refused = 0;
            for (int i = 0; i < 15; i++) {
                refused += broker.post("/v1/admin/auth", "{\"secret\":\"wrong\"}", null).status() == 429 ? 1 : 0;
            }
            assertTrue(refused > 0, "the admin-auth limit (burst 10) refused some of 15");

            try (var stream = new OperatorApiTest.Stream(broker, admin, null)) {
                var scrape = broker.get("/v1/metrics", null);
                assertEquals(200, scrape.status());
                assertTrue(scrape.header("Content-Type").startsWith("text/plain; version=0.0.4"), scrape.header("Content-Type"));
                promtoolAccepts(scrape.body());
                Map<String, Double> m = samples(scrape.body());

                assertEquals(2.0, m.get("mandate_tokens_issued_total{kind=\"agent\"}"), "two registrations");
                assertTrue(m.get("mandate_tokens_issued_total{kind=\"admin\"}") >= 1.0);
                assertEquals(1.0, m.get("mandate_tokens_delegated_total"));
                assertEquals(1.0, m.get("mandate_tokens_renewed_total"));
                assertEquals(1.0, m.get("mandate_tokens_released_total"));
                assertEquals(1.0, m.get("mandate_tokens_revoked_total{level=\"token\"}"));
                assertTrue(m.get("mandate_token_verifications_total{verdict=\"invalid\"}") >= 1.0);
                assertTrue(m.get("mandate_token_verifications_total{verdict=\"valid\"}") >= 3.0);
                assertEquals((double) refused, m.get("mandate_rate_limited_total{limiter=\"admin-auth\"}"));
                assertTrue(m.get("mandate_revocation_entries") >= 2.0, "the token entry and the release entry");
                assertTrue(m.get("mandate_live_tokens") >= 2.0, "the admin token and a's own token");
                assertTrue(m.get("mandate_audit_events_total") > 5.0);
                assertTrue(m.get("mandate_hsm_sign_seconds_count") >= 5.0, "every issued token was signed");
                assertEquals(0.0, m.get("mandate_hsm_sign_failures_total"));
                assertTrue(m.get("mandate_db_commit_seconds_count") > 5.0);
                assertTrue(m.containsKey("mandate_db_write_lock_wait_seconds_bucket{le=\"0.001\"}"));
                String register = "method=\"POST\",route=\"/v1/register\",status=\"200\"";
                assertEquals(2.0, m.get("mandate_http_server_requests_seconds_count{" + register + "}"));
                assertEquals(2.0, m.get("mandate_http_server_requests_seconds_bucket{" + register + ",le=\"+Inf\"}"));
                assertEquals((double) refused, m.get("mandate_http_server_requests_seconds_count{method=\"POST\",route=\"/v1/admin/auth\",status=\"429\"}"));
                assertTrue(m.keySet().stream().noneMatch(k -> k.contains("route=\"/v1/admin/chains/spiffe")),
                        "routes are labelled by template, never by raw path");
                assertTrue(m.get("jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"}") != null
                        || m.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes")), "JVM basics");
                assertTrue(m.get("process_uptime_seconds") > 0.0);
                awaitGauge(broker, "mandate_event_stream_subscribers", 1.0);
            }
        }
    }

    /** Prometheus's own parser and linter: exit 0 and nothing to complain about. */
    private static void promtoolAccepts(String exposition) throws IOException, InterruptedException {
        String promtool = System.getenv().getOrDefault("MANDATE_PROMTOOL", "promtool");
        Process p;
        try {
            p = new ProcessBuilder(promtool, "check", "metrics").redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("promtool not found (" + promtool + "): ./mandate test unpacks it from Debian's prometheus package; "
                    + "or set MANDATE_PROMTOOL");
            return;
        }
        try (var in = p.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "promtool check metrics:\n" + out);
        assertEquals("", out.strip(), "promtool's lint");
    }

    static Map<String, Double> samples(String exposition) {
        Map<String, Double> m = new HashMap<>();
        for (String line : exposition.lines().toList()) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            Matcher s = SAMPLE.matcher(line);
            assertTrue(s.matches(), "a sample line: " + line);
            m.put(s.group(1) + (s.group(2) == null ? "" : s.group(2)), Double.parseDouble(s.group(3)));
        }
        return m;
    }

    private static void awaitGauge(TestBroker broker, String name, double expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Double seen = null;
        while (System.nanoTime() < deadline) {
            seen = samples(broker.get("/v1/metrics", null).body()).get(name);
            if (seen != null && seen == expected) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        fail(name + " = " + seen + ", expected " + expected);
    }
}
