package dev.mandate.server;

import dev.mandate.hsm.TestToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker as its own process, killed with SIGKILL right after acknowledged revocations, then
 * started again on the same data directory: every verdict is the same.
 */
class CrashRestartTest {

    private static final Pattern LISTENING = Pattern.compile("Mandate broker listening on (http://127\\.0\\.0\\.1:\\d+)");

    @TempDir
    Path data;

    private record Running(Process process, String url) {
    }

    private Running launch() throws Exception {
        var builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("MANDATE_DATA_DIR", data.toString());
        env.put("MANDATE_PORT", "0");
        env.put("MANDATE_ISSUER", "http://mandate.test");
        env.put("MANDATE_ADMIN_SECRET", TestBroker.ADMIN_SECRET);
        env.put("MANDATE_HSM_PIN_FILE", TestToken.config().pinFile().toString());
        env.put("MANDATE_CONFIG", Path.of("src/test/resources/test-broker.yaml").toAbsolutePath().toString());
        Process process = builder.start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    lines.add(line);
                }
            } catch (java.io.IOException e) {
                // The process was killed.
            }
        });
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null) {
                seen.append(line).append('\n');
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    return new Running(process, m.group(1));
                }
            }
            if (!process.isAlive()) {
                break;
            }
        }
        process.destroyForcibly();
        throw new AssertionError("the broker did not start:\n" + seen);
    }

    @Test
    void revocationsSurviveAKilledProcess() throws Exception {
        Running first = launch();
        Map<String, String> tokens = new LinkedHashMap<>();
        Map<String, Boolean> verdicts = new LinkedHashMap<>();
        try {
            TestBroker api = TestBroker.remote(first.url());
            String admin = api.adminToken();
            var a = api.registerAgent(admin, "crash", "task-a", "[\"read:data:*\"]");
            var b = api.registerAgent(admin, "crash", "task-b", "[\"read:data:*\"]");
            var c = api.registerAgent(admin, "crash", "task-c", "[\"read:data:*\"]");
            var d = api.registerAgent(admin, "crash", "task-d", "[\"read:data:*\"]");
            var u = api.registerAgent(admin, "crash", "task-u", "[\"read:data:*\"]");
            tokens.put("a", a.token());
            tokens.put("ab", api.delegated(a.token(), b.agentId(), "[\"read:data:*\"]"));
            tokens.put("abc", api.delegated(tokens.get("ab"), c.agentId(), "[\"read:data:x\"]"));
            tokens.put("b", b.token());
            tokens.put("c", c.token());
            tokens.put("d", d.token());
            tokens.put("u", u.token());
            tokens.put("admin", admin);

            assertEquals(200, api.revoke(admin, "token", api.validate(tokens.get("ab")).getJsonObject("claims").getString("jti")).status());
            assertEquals(200, api.revoke(admin, "agent", c.agentId()).status());
            assertEquals(200, api.revoke(admin, "task", "task-d").status());
            assertEquals(204, api.post("/v1/token/release", null, b.token()).status());
            tokens.forEach((name, t) -> verdicts.put(name, api.valid(t)));
            assertEquals(Map.of("a", true, "ab", false, "abc", false, "b", false, "c", false, "d", false, "u", true,
                    "admin", true), verdicts);
        } finally {
            first.process().destroyForcibly();   // SIGKILL: no shutdown hook, no clean close of H2
            assertTrue(first.process().waitFor(30, TimeUnit.SECONDS));
        }

        Running second = launch();
        try {
            TestBroker api = TestBroker.remote(second.url());
            tokens.forEach((name, t) -> assertEquals(verdicts.get(name), api.valid(t), "after the crash: " + name));
            var verify = api.get("/v1/audit/verify", tokens.get("admin")).json();
            assertTrue(verify.getBoolean("valid"), verify.toString());
            String launch = api.launchToken(tokens.get("admin"), "[\"read:data:*\"]", "");
            var refused = api.post("/v1/register", TestBroker.registration(launch, api.nonce(), TestBroker.ed25519(),
                    "crash", "task-d", "[\"read:data:x\"]"), null);
            assertEquals(403, refused.status(), "the revoked task still refuses registrations");
            assertNotNull(api.get("/v1/health", null).json().getString("status"));
        } finally {
            second.process().destroy();
            second.process().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
