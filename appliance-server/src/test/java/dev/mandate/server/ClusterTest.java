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
        return startNode(name, Map.of());
    }

    private Node startNode(String name, Map<String, String> extra) throws Exception {
        Path data = Files.createDirectories(dir.resolve(name + "-" + System.nanoTime()));
        Map<String, String> env = new java.util.HashMap<>(Map.of("MANDATE_DATABASE_URL", url,
                "MANDATE_DATABASE_USER", server.user(), "MANDATE_NODE_NAME", name));
        env.putAll(extra);
        BrokerProcess process = BrokerProcess.start(data, env);
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
    void aChallengeFromOneNodeIsAnsweredOnAnotherAndSpentOnEveryNode() throws Exception {
        startCluster("a", "b", "c");
        List<TestBroker> all = List.of(node("a").client(), node("b").client(), node("c").client());
        String admin = all.get(0).adminToken();
        // A launch token good for many agents, so that only the nonce stands between a replay and an agent.
        String launch = all.get(0).launchToken(admin, "[\"read:data:*\"]", "\"single_use\":false");
        var keys = TestBroker.ed25519();
        String body = TestBroker.registration(launch, all.get(0).nonce(), keys, "orch", "task", "[\"read:data:x\"]");
        assertEquals(200, all.get(1).post("/v1/register", body, null).status(), "A's challenge is answered on B");
        for (TestBroker n : all) {
            var replay = n.post("/v1/register", body, null);
            assertEquals(401, replay.status(), "the spent nonce is refused on every node");
            assertEquals("invalid or expired nonce", replay.json().getString("detail"));
        }
        // One answer sent to every node at once: exactly one node registers it.
        try (var threads = java.util.concurrent.Executors.newFixedThreadPool(all.size())) {
            for (int round = 0; round < 5; round++) {
                String answer = TestBroker.registration(launch, all.get(round % 3).nonce(), keys, "orch", "task",
                        "[\"read:data:x\"]");
                var start = new java.util.concurrent.CountDownLatch(1);
                List<java.util.concurrent.Future<Integer>> statuses = new ArrayList<>();
                for (TestBroker n : all) {
                    statuses.add(threads.submit(() -> {
                        start.await();
                        return n.post("/v1/register", answer, null).status();
                    }));
                }
                start.countDown();
                List<Integer> seen = new ArrayList<>();
                for (var s : statuses) {
                    seen.add(s.get(30, TimeUnit.SECONDS));
                }
                assertEquals(1, seen.stream().filter(x -> x == 200).count(), "round " + round + ": " + seen);
                assertEquals(2, seen.stream().filter(x -> x == 401).count(), "round " + round + ": " + seen);
            }
        }
    }

    @Test
    void theEventStreamOfOneNodeShowsEveryNodesEventsInOrder() throws Exception {
        startCluster("a", "b", "c");
        TestBroker a = node("a").client();
        TestBroker b = node("b").client();
        String admin = a.adminToken();
        try (OperatorApiTest.Stream stream = new OperatorApiTest.Stream(b, admin, null)) {
            var agent = a.registerAgent(admin, "orch", "seen-from-b", "[\"read:data:*\"]");
            assertEquals(200, node("c").client().revoke(admin, "agent", agent.agentId()).status());
            String[] issued = stream.nextOf("token_issued");
            assertTrue(issued[2].contains(agent.agentId()), "A's registration on B's stream: " + issued[2]);
            String[] revoked = stream.nextOf("token_revoked");
            assertTrue(revoked[2].contains(agent.agentId()), "C's revocation on B's stream: " + revoked[2]);
            assertTrue(Long.parseLong(revoked[0]) > Long.parseLong(issued[0]), "in commit order");
        }
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
        // It runs again, but cannot catch up yet: the test holds the cluster's write lock (as a partition
        // from the database would). Its memory lacks the revocation, and it must not answer from it.
        try (var blocker = java.sql.DriverManager.getConnection(url, server.user(), "")) {
            blocker.setAutoCommit(false);
            try (var s = blocker.createStatement()) {
                s.executeUpdate("UPDATE cluster_lock SET batch = batch WHERE id = 1");
            }
            signal("CONT", node("c"));
            for (int i = 0; i < 5; i++) {
                var r = c.post("/v1/token/validate", "{\"token\":\"" + agent.token() + "\"}", null);
                assertEquals(503, r.status(), "a node that cannot show it is current gives no verdict: " + r);
                assertEquals("1", r.header("Retry-After"));
            }
            blocker.rollback();
        }

        // Once it can: 503 until it has caught up, then "invalid"; never "valid".
        boolean caughtUp = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!caughtUp && System.nanoTime() < deadline) {
            var r = c.post("/v1/token/validate", "{\"token\":\"" + agent.token() + "\"}", null);
            if (r.status() == 503) {
                continue;
            }
            assertEquals(200, r.status(), r.toString());
            assertFalse(r.json().getBoolean("valid"), "a paused node never calls a revoked token valid");
            caughtUp = true;
        }
        assertTrue(caughtUp, "the node caught up by itself");
    }

    @Test
    void aNodeKilledUnderLoadLosesNothingAcknowledgedAndRejoins() throws Exception {
        startCluster("a", "b", "c");
        List<TestBroker> survivors = List.of(node("a").client(), node("b").client());
        String admin = survivors.getFirst().adminToken();
        List<TestBroker.Agent> registered = java.util.Collections.synchronizedList(new ArrayList<>());
        List<TestBroker.Agent> revoked = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        AtomicInteger failures = new AtomicInteger();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            for (int t = 0; t < 2; t++) {
                TestBroker on = survivors.get(t);
                pool.submit(() -> {
                    for (int i = 0; running.get(); i++) {
                        try {
                            TestBroker.Agent agent = on.registerAgent(admin, "orch-load", "load-" + i, "[\"read:data:*\"]");
                            registered.add(agent);   // acknowledged
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            pool.submit(() -> {
                for (int i = 0; running.get(); i++) {
                    TestBroker.Agent victim;
                    synchronized (registered) {
                        if (registered.size() < 2) {
                            continue;
                        }
                        victim = registered.remove(0);
                    }
                    var r = survivors.get(i % 2).revoke(admin, "agent", victim.agentId());
                    (r.status() == 200 ? revoked : registered).add(victim);
                }
                return null;
            });
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < end && registered.size() + revoked.size() < 20) {
                Thread.onSpinWait();
            }
            node("c").process().process().destroyForcibly();   // kill -9, mid-load
            assertTrue(node("c").process().process().waitFor(10, TimeUnit.SECONDS));
            long more = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            int before = registered.size() + revoked.size();
            while (System.nanoTime() < more) {
                Thread.onSpinWait();
            }
            assertTrue(registered.size() + revoked.size() > before, "the others kept serving after the kill");
        } finally {
            running.set(false);
            pool.shutdown();
            assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        }
        assertEquals(0, failures.get(), "no registration on a surviving node failed");
        assertFalse(revoked.isEmpty());

        nodes.add(startNode("c2"));
        List<TestBroker> all = List.of(node("a").client(), node("b").client(), node("c2").client());
        for (TestBroker n : all) {
            for (TestBroker.Agent agent : List.copyOf(registered)) {
                assertTrue(n.valid(agent.token()), "an acknowledged registration is there on every node");
            }
            for (TestBroker.Agent agent : List.copyOf(revoked)) {
                assertFalse(n.valid(agent.token()), "an acknowledged revocation holds on every node");
            }
        }
        JsonObject verify = node("c2").client().get("/v1/audit/verify", admin).json();
        assertTrue(verify.getBoolean("valid"), verify.toString());
    }

    @Test
    void aRotationOnOneNodeSignsEverywhereAfterThePublishLeadWithOneJwks() throws Exception {
        Path config = Files.writeString(dir.resolve("lead.yaml"), "secrets: { bcrypt-cost: 4 }\nkeys: { publish-lead: PT3S }\n");
        url = server.createDatabase("cluster" + DATABASES.incrementAndGet());
        for (String name : List.of("a", "b", "c")) {
            nodes.add(startNode(name, Map.of("MANDATE_CONFIG", config.toString())));
        }
        TestBroker a = node("a").client();
        String admin = a.adminToken();
        String oldKid = kid(admin);
        var rotated = a.post("/v1/admin/keys/rotate", null, admin);
        assertEquals(202, rotated.status(), rotated.toString());
        String newKid = rotated.json().getString("kid");
        for (Node n : nodes) {
            assertTrue(n.client().get("/v1/jwks", null).body().contains(newKid), "published on every node at once");
            assertEquals(oldKid, kid(n.client().adminToken()), "the old key signs until the lead has passed");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        List<String> kids = List.of();
        while (System.nanoTime() < deadline) {
            kids = nodes.stream().map(n -> kid(n.client().adminToken())).toList();
            if (kids.stream().allMatch(newKid::equals)) {
                break;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(400));   // admin logins are rate-limited
        }
        assertEquals(List.of(newKid, newKid, newKid), kids, "every node signs with the new key");
        var jwks = nodes.stream().map(n -> n.client().get("/v1/jwks", null).json().getJsonArray("keys").stream()
                .map(k -> k.asJsonObject().getString("kid")).sorted().toList()).toList();
        assertEquals(1, jwks.stream().distinct().count(), "one JWKS: " + jwks);
        var active = a.get("/v1/admin/keys", admin).json().getJsonArray("keys").stream()
                .filter(k -> k.asJsonObject().getString("state").equals("active")).toList();
        assertEquals(1, active.size(), "one active key: " + active);
    }

    @Test
    void revokingTheActiveAndTheWaitingKeyOnTwoNodesAtOnceLeavesExactlyOneActiveKey() throws Exception {
        startCluster("a", "b");
        TestBroker a = node("a").client();
        TestBroker b = node("b").client();
        String admin = a.adminToken();
        String active = kid(admin);
        var rotated = a.post("/v1/admin/keys/rotate", null, admin);
        assertEquals(202, rotated.status(), rotated.toString());
        String waiting = rotated.json().getString("kid");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var first = pool.submit(() -> a.post("/v1/admin/keys/" + active + "/revoke", null, admin));
            var second = pool.submit(() -> b.post("/v1/admin/keys/" + waiting + "/revoke", null, admin));
            // 409: the keys changed while the revocation was prepared; 401: the other revocation, done first,
            // took the admin token's key with it. Either is sent again (with a fresh admin token).
            for (var outcome : List.of(first.get(30, TimeUnit.SECONDS), second.get(30, TimeUnit.SECONDS))) {
                assertTrue(List.of(200, 401, 409).contains(outcome.status()), outcome.toString());
            }
            if (first.get().status() != 200) {
                assertEquals(200, a.post("/v1/admin/keys/" + active + "/revoke", null, a.adminToken()).status());
            }
            if (second.get().status() != 200) {
                assertEquals(200, b.post("/v1/admin/keys/" + waiting + "/revoke", null, b.adminToken()).status());
            }
        } finally {
            pool.shutdown();
        }
        String fresh = b.adminToken();   // the first admin token died with its key
        var keys = a.get("/v1/admin/keys", fresh).json().getJsonArray("keys").stream().map(k -> k.asJsonObject()).toList();
        var activeKeys = keys.stream().filter(k -> k.getString("state").equals("active")).toList();
        assertEquals(1, activeKeys.size(), "exactly one active key: " + keys);
        String now = activeKeys.getFirst().getString("kid");
        assertNotEquals(active, now);
        assertNotEquals(waiting, now);
        for (Node n : nodes) {
            String token = n.client().adminToken();
            assertEquals(now, kid(token), "every node signs with the one active key");
            assertTrue(n.client().valid(token));
        }
    }

    @Test
    void anEntryOutlivesTokensAnotherNodeIssuedUnderALongerMaxTtl() throws Exception {
        url = server.createDatabase("cluster" + DATABASES.incrementAndGet());
        nodes.add(startNode("long", Map.of("MANDATE_MAX_TTL", "3600")));
        nodes.add(startNode("short", Map.of("MANDATE_MAX_TTL", "2")));   // mid-way through a rolling change
        String admin = node("long").client().adminToken();
        var agent = node("long").client().registerAgent(admin, "orch", "long-lived", "[\"read:data:*\"]");
        assertTrue(agent.expiresIn() > 60);
        assertEquals(200, node("short").client().revoke(admin, "agent", agent.agentId()).status());
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(3));   // past the short max-ttl
        nodes.add(startNode("late"));   // loads the entries still in force
        assertFalse(node("late").client().valid(agent.token()), "the entry lasts as long as the token it revokes");
    }

    /**
     * Three nodes started at once on a fresh database and one data directory (its SoftHSM configuration,
     * its generated admin secret, its class-data archive): the schema is migrated once, one admin secret is
     * generated and holds on every node, and one signing key is made, active and used by every node.
     */
    @Test
    void nodesStartingAtOnceOnAFreshDatabaseMigrateItOnceAndAgreeOnOneKeyAndOneSecret() throws Exception {
        url = server.createDatabase("cluster" + DATABASES.incrementAndGet());
        Path shared = Files.createDirectories(dir.resolve("shared"));
        List<String> names = List.of("a", "b", "c");
        List<Map<String, String>> environments = new ArrayList<>();
        List<BrokerProcess> starting = new ArrayList<>();
        for (String name : names) {
            environments.add(Map.of("MANDATE_DATABASE_URL", url, "MANDATE_DATABASE_USER", server.user(),
                    "MANDATE_NODE_NAME", name, "MANDATE_ADMIN_SECRET", ""));   // generated
            starting.add(BrokerProcess.start(shared, environments.getLast()));
        }
        boolean restarted = false;
        try {
            for (int i = 0; i < starting.size(); i++) {
                BrokerProcess process = starting.get(i);
                String listening;
                try {
                    listening = process.awaitListening();
                } catch (AssertionError failed) {
                    // SoftHSM's token file, rewritten by another node's login at that moment, read half-written: this
                    // node's PKCS#11 library holds the token as unrecognised until the process ends, so it exits (4,
                    // HSM) and the installed unit's Restart=on-failure starts it again. As that does; for one node at
                    // most, so that at least two still start at once.
                    if (restarted || process.awaitExit(10) != 4
                            || process.output().stream().noneMatch(l -> l.contains("CKR_TOKEN_NOT_RECOGNIZED"))) {
                        throw failed;
                    }
                    restarted = true;
                    System.err.println("node " + names.get(i) + " read the shared SoftHSM token half-written: started again");
                    process = BrokerProcess.start(shared, environments.get(i));
                    starting.set(i, process);
                    listening = process.awaitListening();
                }
                nodes.add(new Node(names.get(i), process, TestBroker.remote(listening)));
            }
        } finally {
            // Those that never joined the nodes @AfterEach stops: stopped here, not left running.
            for (BrokerProcess p : starting) {
                if (nodes.stream().noneMatch(n -> n.process() == p)) {
                    p.close();
                }
            }
        }
        try (var c = java.sql.DriverManager.getConnection(url, server.user(), "");
             var s = c.createStatement();
             var rs = s.executeQuery("SELECT version, COUNT(*) FROM flyway_schema_history WHERE version IS NOT NULL"
                     + " GROUP BY version ORDER BY version")) {
            List<String> versions = new ArrayList<>();
            while (rs.next()) {
                versions.add(rs.getString(1) + "x" + rs.getInt(2));
            }
            List<String> migrations = new ArrayList<>();
            for (String dir : List.of("common", "postgresql")) {
                try (var files = Files.list(Path.of("src/main/resources/db/migration", dir))) {
                    files.map(f -> f.getFileName().toString().replaceFirst("^V(\\d+)__.*", "$1x1")).forEach(migrations::add);
                }
            }
            migrations.sort(java.util.Comparator.comparingInt(v -> Integer.parseInt(v.substring(0, v.indexOf('x')))));
            assertTrue(migrations.size() >= 4, "the migrations were found: " + migrations);
            assertEquals(migrations, versions, "each migration applied once");
        }
        String secret = Files.readString(shared.resolve("admin-secret")).strip();
        TestBroker.SECRETS.add(secret);
        List<String> kids = new ArrayList<>();
        String admin = null;
        for (Node n : nodes) {
            var auth = n.client().post("/v1/admin/auth", "{\"secret\":\"" + secret + "\"}", null);
            assertEquals(200, auth.status(), n.name() + ": the one generated secret holds: " + auth);
            admin = auth.json().getString("access_token");
            kids.add(kid(admin));
        }
        assertEquals(1, kids.stream().distinct().count(), "one signing key: " + kids);
        var keys = node("a").client().get("/v1/admin/keys", admin).json().getJsonArray("keys");
        assertEquals(1, keys.stream().filter(k -> k.asJsonObject().getString("state").equals("active")).count(), keys.toString());
    }

    @Test
    void aFullRestartOfEveryNodeKeepsEverythingAcknowledged() throws Exception {
        startCluster("a", "b");
        TestBroker a = node("a").client();
        String admin = a.adminToken();
        var kept = a.registerAgent(admin, "orch", "kept", "[\"read:data:*\"]");
        var gone = node("b").client().registerAgent(admin, "orch", "gone", "[\"read:data:*\"]");
        assertEquals(200, node("b").client().revoke(admin, "agent", gone.agentId()).status());
        long events = a.get("/v1/audit/verify", admin).json().getJsonNumber("events").longValue();
        for (Node n : List.copyOf(nodes)) {
            n.process().close();
            nodes.remove(n);
        }
        nodes.add(startNode("a"));
        nodes.add(startNode("b"));
        for (Node n : nodes) {
            assertTrue(n.client().valid(kept.token()));
            assertFalse(n.client().valid(gone.token()));
            assertTrue(n.client().valid(admin), "the admin token too");
        }
        JsonObject verify = node("b").client().get("/v1/audit/verify", admin).json();
        assertTrue(verify.getBoolean("valid"));
        assertTrue(verify.getJsonNumber("events").longValue() >= events);
    }

    private static String kid(String token) {
        String header = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[0]));
        return dev.mandate.server.http.Json.parse(header).getString("kid");
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
