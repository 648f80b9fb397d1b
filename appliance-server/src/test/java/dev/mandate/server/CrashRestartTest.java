package dev.mandate.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker as its own process, killed with SIGKILL right after acknowledged revocations, then
 * started again on the same data directory: every verdict is the same.
 */
class CrashRestartTest {

    @TempDir
    Path data;

    private record Running(BrokerProcess broker, String url) {
        Process process() {
            return broker.process();
        }
    }

    private Running launch() throws Exception {
        BrokerProcess broker = BrokerProcess.start(data, Map.of());
        return new Running(broker, broker.awaitListening());
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
