package dev.mandate.server;

import dev.mandate.server.storage.TestPostgres;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three broker processes on one PostgreSQL database (issue 14), sharing the test JVM's SoftHSM token as
 * the members of an HSM cluster share their keys: any node serves any request with the same verdict, and a
 * revocation holds on every node the moment it is acknowledged, also when a node is paused or killed.
 */
class ClusterTest {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    static Path serverDir;
    private static TestPostgres server;

    @TempDir
    Path dir;
    private final List<Node> nodes = new ArrayList<>();
    private String url;

    /** A broker process and a client of it. */
    record Node(String name, BrokerProcess process, TestBroker client) {
        long pid() {
            return process.process().pid();
        }
    }

    @BeforeAll
    static void startServer() throws Exception {
        server = TestPostgres.start(serverDir);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @AfterEach
    void stopNodes() throws Exception {
        for (Node n : nodes) {
            signal("CONT", n);
            n.process().close();
        }
    }

    private void startCluster(String... names) throws Exception {
        url = server.createDatabase("cluster" + DATABASES.incrementAndGet());
        for (String name : names) {
            nodes.add(startNode(name));
        }
    }

    private Node startNode(String name) throws Exception {
        Path data = Files.createDirectories(dir.resolve(name + "-" + System.nanoTime()));
        BrokerProcess process = BrokerProcess.start(data, Map.of("MANDATE_DATABASE_URL", url,
                "MANDATE_DATABASE_USER", server.user(), "MANDATE_NODE_NAME", name));
        return new Node(name, process, TestBroker.remote(process.awaitListening()));
    }

    private Node node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void anyNodeServesAnyRequestAndARevocationHoldsEverywhereTheMomentItIsAcknowledged() throws Exception {
        startCluster("a", "b", "c");
        TestBroker a = node("a").client();
        TestBroker b = node("b").client();
        TestBroker c = node("c").client();
        String admin = a.adminToken();
        var agent = a.registerAgent(admin, "orch-1", "task-1", "[\"read:data:*\"]");
        assertTrue(b.valid(agent.token()) && c.valid(agent.token()), "registered on A, valid on B and C");
        assertTrue(b.valid(admin) && c.valid(admin), "A's admin token works everywhere");

        String renewed = b.post("/v1/token/renew", null, agent.token()).json().getString("access_token");
        for (TestBroker n : List.of(a, b, c)) {
            assertFalse(n.valid(agent.token()), "the renewed-away token is refused on every node");
            assertTrue(n.valid(renewed));
        }
        var delegate = c.registerAgent(admin, "orch-1", "task-2", "[\"read:data:*\"]");
        String delegated = c.delegated(renewed, delegate.agentId(), "[\"read:data:x\"]");
        for (TestBroker n : List.of(a, b, c)) {
            JsonObject v = n.validate(delegated);
            assertTrue(v.getBoolean("valid"));
            assertEquals(delegate.agentId(), v.getJsonObject("claims").getString("sub"));
        }

        // Each level revoked on one node; the others refuse at once, with no wait in between.
        record Case(String level, TestBroker on, java.util.function.Function<TestBroker.Agent, String> target) {
        }
        List<Case> cases = List.of(new Case("token", a, x -> jti(x.token())), new Case("agent", b, TestBroker.Agent::agentId),
                new Case("task", c, x -> "task-" + x.agentId().hashCode()), new Case("chain", a, TestBroker.Agent::agentId));
        for (Case k : cases) {
            String task = "task-" + k.level();
            var victim = a.registerAgent(admin, "orch-2", task, "[\"read:data:*\"]");
            String target = k.level().equals("task") ? task : k.target().apply(victim);
            for (TestBroker n : List.of(a, b, c)) {
                assertTrue(n.valid(victim.token()));
            }
            assertEquals(200, k.on().revoke(admin, k.level(), target).status(), k.level());
            for (TestBroker n : List.of(a, b, c)) {
                assertFalse(n.valid(victim.token()), k.level() + " revoked: refused on every node at once");
            }
        }
        assertTrue(a.valid(renewed) && b.valid(delegated), "nothing else was revoked");
        JsonObject verify = c.get("/v1/audit/verify", admin).json();
        assertTrue(verify.getBoolean("valid"), "one audit chain across the nodes: " + verify);

        JsonObject health = b.get("/v1/health", null).json();
        assertEquals("ok", health.getString("status"));
        var listed = health.getJsonObject("cluster").getJsonArray("nodes");
        assertEquals(List.of("a", "b", "c"), listed.stream().map(v -> v.asJsonObject().getString("name")).toList());
        assertTrue(listed.stream().allMatch(v -> v.asJsonObject().getBoolean("current")), health.toString());
    }

    @Test
    void aPausedNodeFailsClosedUntilItHasCaughtUp() throws Exception {
        startCluster("a", "b", "c");
        TestBroker a = node("a").client();
        TestBroker c = node("c").client();
        String admin = a.adminToken();
        var agent = a.registerAgent(admin, "orch", "paused", "[\"read:data:*\"]");
        assertTrue(c.valid(agent.token()));

        signal("STOP", node("c"));
        long started = System.nanoTime();
        assertEquals(200, a.revoke(admin, "agent", agent.agentId()).status());
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(waitedMillis < 5_000, "the paused node is dropped from the wait once its heartbeat lapses: " + waitedMillis + " ms");
        signal("CONT", node("c"));

        // From the moment it runs again: 503 until it has caught up, then "invalid"; never "valid".
        int refused = 0;
        boolean caughtUp = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!caughtUp && System.nanoTime() < deadline) {
            var r = c.post("/v1/token/validate", "{\"token\":\"" + agent.token() + "\"}", null);
            if (r.status() == 503) {
                refused++;
                assertEquals("1", r.header("Retry-After"));
                continue;
            }
            assertEquals(200, r.status(), r.toString());
            assertFalse(r.json().getBoolean("valid"), "a paused node never calls a revoked token valid");
            caughtUp = true;
        }
        assertTrue(caughtUp, "the node caught up by itself");
        assertTrue(refused > 0, "right after the pause the node could not show it was current, so it refused");
    }

    private static String jti(String token) {
        String payload = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        return dev.mandate.server.http.Json.parse(payload).getString("jti");
    }

    private static void signal(String signal, Node node) throws Exception {
        if (node.process().process().isAlive()) {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(node.pid())).start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal);
        }
    }
}
