package dev.mandate.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    /**
     * Group commit under SIGKILL (issue 13): clients register agents and revoke some of them as fast as
     * they can; the broker is killed in the middle. After the restart every acknowledged registration and
     * revocation is there, the audit chain verifies, and what was in flight is either wholly there or not
     * at all: every agent has its token, every revoked agent's token is refused, and the audit log holds
     * one entry per agent and per revocation.
     */
    @Test
    void aBurstKilledMidwayKeepsEveryAcknowledgedChangeAndNothingHalf() throws Exception {
        Running first = launch();
        String admin;
        Map<String, String> registered = new java.util.concurrent.ConcurrentHashMap<>();   // agent id -> token
        Set<String> revoked = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Set<String> attempted = java.util.concurrent.ConcurrentHashMap.newKeySet();   // revocations sent
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CountDownLatch burstGoing = new java.util.concurrent.CountDownLatch(60);
        List<Thread> clients = new java.util.ArrayList<>();
        try {
            TestBroker api = TestBroker.remote(first.url());
            admin = api.adminToken();
            for (int c = 0; c < 6; c++) {
                int client = c;
                clients.add(Thread.ofPlatform().start(() -> {
                    List<String> mine = new java.util.ArrayList<>();
                    for (int i = 0; !stop.get(); i++) {
                        try {
                            if (i % 3 == 2 && !mine.isEmpty()) {
                                String victim = mine.removeFirst();
                                attempted.add(victim);
                                if (api.revoke(admin, "agent", victim).status() == 200) {
                                    revoked.add(victim);
                                }
                            } else {
                                var agent = api.registerAgent(admin, "burst", "task-" + client + "-" + i, "[\"read:data:*\"]");
                                registered.put(agent.agentId(), agent.token());
                                burstGoing.countDown();
                                mine.add(agent.agentId());
                            }
                        } catch (RuntimeException | AssertionError e) {
                            // The broker died under this request: it was never acknowledged.
                        }
                    }
                }));
            }
            // Kill it once 60 registrations are acknowledged (or after 20 s, which the assertion below reports).
            burstGoing.await(20, TimeUnit.SECONDS);
        } finally {
            first.process().destroyForcibly();   // SIGKILL in the middle of the burst
            assertTrue(first.process().waitFor(30, TimeUnit.SECONDS));
            stop.set(true);
            for (Thread t : clients) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
        }
        assertTrue(registered.size() >= 60, "the burst got going: " + registered.size() + " registrations acknowledged");

        Running second = launch();
        try {
            TestBroker api = TestBroker.remote(second.url());
            String operator = api.adminToken();
            var agents = api.get("/v1/admin/agents?orch_id=burst&limit=1000", operator).json().getJsonArray("agents");
            Map<String, String> states = new java.util.HashMap<>();
            int revokedThere = 0;
            for (var value : agents) {
                var agent = value.asJsonObject();
                var tokens = agent.getJsonArray("tokens");
                assertEquals(1, tokens.size(), "a registration is there with its token or not at all: " + agent);
                states.put(agent.getString("agent_id"), agent.getString("state"));
                if (agent.getString("state").equals("revoked")) {
                    revokedThere++;
                }
            }
            registered.forEach((agent, token) -> {
                boolean valid = api.valid(token);
                if (revoked.contains(agent)) {
                    assertFalse(valid, "an acknowledged revocation survived the crash: " + agent);
                } else if (!attempted.contains(agent)) {
                    assertTrue(valid, "an acknowledged registration survived the crash: " + agent);
                }
                // Acknowledged or in flight, the agent's state and its token's verdict agree.
                assertEquals(valid, !"revoked".equals(states.get(agent)), "state and verdict agree for " + agent);
            });
            assertTrue(agents.size() >= registered.size(), "every acknowledged registration is there");
            assertTrue(revokedThere >= revoked.size(), "every acknowledged revocation is there");
            assertEquals(agents.size(), api.get("/v1/audit/events?event_type=agent_registered&limit=1", operator).json()
                    .getInt("total"), "one audit entry per agent that is there");
            var verify = api.get("/v1/audit/verify", operator).json();
            assertTrue(verify.getBoolean("valid"), verify.toString());
        } finally {
            second.process().destroy();
            second.process().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
