package dev.mandate.server;

import dev.mandate.server.live.Overview;

import dev.mandate.server.journal.Event;
import dev.mandate.server.journal.EventLog;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.mandate.server.Problem.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's API: agents, chains and the event stream (SPEC §2.4). */
class OperatorApiTest {

    @TempDir
    Path dir;

    /** A line-by-line reader of GET /v1/admin/events. */
    static final class Stream implements AutoCloseable {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final InputStream body;

        Stream(TestBroker broker, String admin, Long lastEventId) throws Exception {
            var request = HttpRequest.newBuilder(URI.create(broker.url() + "/v1/admin/events"))
                    .header("Authorization", "Bearer " + admin);
            if (lastEventId != null) {
                request.header("Last-Event-ID", Long.toString(lastEventId));
            }
            HttpResponse<InputStream> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
            body = r.body();
            Thread.ofVirtual().start(() -> {
                try (var reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                        lines.add(line);
                    }
                } catch (Exception e) {
                    // closed
                }
                lines.add("<closed>");
            });
        }

        /** The next event as {id, type, data}, skipping comments; fails after 10 s. */
        String[] next() throws InterruptedException {
            String id = null;
            String type = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (line == null || line.startsWith(":") || line.isEmpty()) {
                    continue;
                }
                if (line.equals("<closed>")) {
                    throw new AssertionError("the stream closed");
                }
                if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    type = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    return new String[]{id, type, line.substring(6)};
                }
            }
            throw new AssertionError("no event within 10 s");
        }

        /** True once the broker ended the stream (within {@code within}); comments and events before that are skipped. */
        boolean closesWithin(Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if ("<closed>".equals(line)) {
                    return true;
                }
            }
            return false;
        }

        String[] nextOf(String type) throws InterruptedException {
            while (true) {
                String[] e = next();
                if (e[1].equals(type)) {
                    return e;
                }
            }
        }

        /** True once the comment line {@code comment} came (within {@code within}); what came before it is skipped. */
        boolean sawComment(String comment, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (comment.equals(line)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void close() throws Exception {
            body.close();
        }
    }

    private Path heartbeatConfig() throws Exception {
        Path cfg = dir.resolve("events.yaml");
        // Operator tokens outlive the agents' (300 s) here, so one stream sees their expiry: a stream ends with its token.
        Files.writeString(cfg, "secrets:\n  bcrypt-cost: 4\nevents:\n  heartbeat: PT1S\ntoken:\n  admin-ttl: PT10M\n");
        return cfg;
    }

    @Test
    void agentsAreListedWithTheirTokensFilteredAndPaged() {
        try (TestBroker broker = TestBroker.start(dir.resolve("agents"))) {
            String admin = broker.adminToken();
            var a = broker.registerAgent(admin, "orch-x", "task-1", "[\"read:data:*\"]");
            var b = broker.registerAgent(admin, "orch-x", "task-2", "[\"write:reports:*\"]");
            var c = broker.registerAgent(admin, "orch-y", "task-1", "[\"read:data:*\"]");
            String ab = broker.delegated(a.token(), b.agentId(), "[\"read:data:x\"]");
            broker.post("/v1/token/release", null, c.token());

            JsonObject all = broker.get("/v1/admin/agents", admin).json();
            assertEquals(3, all.getInt("total"));
            assertEquals(100, all.getInt("limit"));
            JsonObject bView = all.getJsonArray("agents").stream().map(v -> v.asJsonObject())
                    .filter(x -> x.getString("agent_id").equals(b.agentId())).findFirst().orElseThrow();
            assertEquals("active", bView.getString("state"));
            assertEquals(2, bView.getJsonArray("tokens").size(), "its own token and the one delegated to it");
            JsonObject delegated = bView.getJsonArray("tokens").stream().map(v -> v.asJsonObject())
                    .filter(t -> t.getInt("depth") == 1).findFirst().orElseThrow();
            assertEquals(broker.validate(a.token()).getJsonObject("claims").getString("jti"), delegated.getString("parent_jti"));
            assertEquals(broker.validate(ab).getJsonObject("claims").getString("jti"), delegated.getString("jti"));
            assertEquals(delegated.getString("expires_at"), delegated.getString("effective_expires_at"));

            assertEquals(2, broker.get("/v1/admin/agents?orch_id=orch-x", admin).json().getInt("total"));
            assertEquals(2, broker.get("/v1/admin/agents?task_id=task-1", admin).json().getInt("total"));
            assertEquals(1, broker.get("/v1/admin/agents?state=released", admin).json().getInt("total"));
            assertEquals(1, broker.get("/v1/admin/agents?q=write%3Areports", admin).json().getInt("total"));
            assertEquals(1, broker.get("/v1/admin/agents?q=ORCH-Y", admin).json().getInt("total"));
            JsonObject page = broker.get("/v1/admin/agents?limit=2&offset=2", admin).json();
            assertEquals(1, page.getJsonArray("agents").size());
            assertEquals(1000, broker.get("/v1/admin/agents?limit=99999", admin).json().getInt("limit"));

            broker.revoke(admin, "agent", b.agentId());
            assertEquals("revoked", broker.get("/v1/admin/agents?q=task-2", admin).json().getJsonArray("agents")
                    .getJsonObject(0).getString("state"));
            assertProblem(broker.get("/v1/admin/agents?state=sleeping", admin), 400, "invalid_request", "/v1/admin/agents");
            assertProblem(broker.get("/v1/admin/agents", a.token()), 403, "insufficient_scope", "/v1/admin/agents");
        }
    }

    @Test
    void agentsAreSortedByTheBrokerByRegistrationIdOrTimeLeft() {
        try (TestBroker broker = TestBroker.start(dir.resolve("sorted"))) {
            String admin = broker.adminToken();
            List<String> byTtl = new java.util.ArrayList<>();
            List<String> tokens = new java.util.ArrayList<>();
            for (int ttl : new int[]{600, 60, 300}) {
                String launch = broker.launchToken(admin, "[\"read:data:*\"]", "\"max_ttl\":" + ttl);
                var r = broker.post("/v1/register", TestBroker.registration(launch, broker.nonce(), TestBroker.ed25519(), "sort",
                        "ttl-" + ttl, "[\"read:data:x\"]"), null);
                assertEquals(200, r.status(), r.toString());
                byTtl.add(r.json().getString("agent_id"));
                tokens.add(r.json().getString("access_token"));
                broker.clock.advance(Duration.ofSeconds(1));   // registrations a second apart: a defined newest first
            }
            String a600 = byTtl.get(0);
            String a60 = byTtl.get(1);
            String a300 = byTtl.get(2);
            assertEquals(List.of(a300, a60, a600), ids(broker, admin, ""), "newest first by default");
            assertEquals(List.of(a600, a60, a300), ids(broker, admin, "&sort=registered&order=asc"));
            assertEquals(List.of(a60, a300, a600), ids(broker, admin, "&sort=expires"), "least time left first");
            assertEquals(List.of(a600, a300, a60), ids(broker, admin, "&sort=expires&order=desc"));
            assertEquals(byTtl.stream().sorted().toList(), ids(broker, admin, "&sort=agent"));
            assertEquals(List.of(a60), ids(broker, admin, "&sort=expires&limit=1"), "the database pages in that order");
            assertEquals(204, broker.post("/v1/token/release", null, tokens.get(1)).status());
            assertEquals(List.of(a300, a600, a60), ids(broker, admin, "&sort=expires"), "a released agent has no time left: last");
            broker.clock.advance(Duration.ofSeconds(70));   // a60's token has expired too
            assertEquals(List.of(a300, a600, a60), ids(broker, admin, "&sort=expires"), "an expired agent has no time left: last");
            broker.revoke(admin, "agent", a300);
            assertEquals(List.of(a600, a60, a300), ids(broker, admin, "&sort=expires"), "a revoked agent has none either");
            assertProblem(broker.get("/v1/admin/agents?sort=ttl", admin), 400, "invalid_request", "/v1/admin/agents");
            for (String state : List.of("", "&state=active")) {      // the last offset there is: an empty page, not a 500
                var far = broker.get("/v1/admin/agents?offset=2147483647&limit=1000" + state, admin);
                assertEquals(200, far.status(), far.toString());
                assertEquals(0, far.json().getJsonArray("agents").size());
            }
            assertProblem(broker.get("/v1/admin/agents?order=up", admin), 400, "invalid_request", "/v1/admin/agents");
        }
    }

    private static List<String> ids(TestBroker broker, String admin, String query) {
        return broker.get("/v1/admin/agents?q=sort" + query, admin).json().getJsonArray("agents").stream()
                .map(v -> v.asJsonObject().getString("agent_id")).toList();
    }

    @Test
    void theOverviewCountsWhatTheBrokerHoldsAndRatesWhatItDid() {
        try (TestBroker broker = TestBroker.start(dir.resolve("overview"))) {
            String admin = broker.adminToken();
            var overview = broker.broker().overview();
            overview.sample();
            var a = broker.registerAgent(admin, "orch", "overview-a", "[\"read:data:*\"]");
            var b = broker.registerAgent(admin, "orch", "overview-b", "[\"read:data:*\"]");
            var c = broker.registerAgent(admin, "orch", "overview-c", "[\"read:data:*\"]");
            broker.delegated(a.token(), b.agentId(), "[\"read:data:x\"]");
            String renewed = broker.post("/v1/token/renew", null, c.token()).json().getString("access_token");
            assertEquals(200, broker.revoke(admin, "agent", b.agentId()).status());
            assertFalse(broker.valid(c.token()), "a refused validation");
            broker.post("/v1/admin/apps", "{\"name\":\"counted\",\"scopes\":[\"read:data:*\"]}", admin);
            broker.clock.advance(Duration.ofSeconds(Overview.INTERVAL_SECONDS));
            overview.sample();

            var r = broker.get("/v1/admin/overview", admin);
            assertEquals(200, r.status(), r.toString());
            JsonObject counts = r.json().getJsonObject("counts");
            assertEquals(3, counts.getJsonNumber("agents").longValue());
            JsonObject tokens = counts.getJsonObject("tokens");
            // Live agent tokens: a's and the renewed c's (b's own and its delegated token died; the admin's is not
            // an agent's); c's first superseded.
            assertEquals(2, tokens.getInt("live"), tokens.toString());
            assertEquals(1, tokens.getInt("superseded"), tokens.toString());
            assertEquals(0, tokens.getInt("released"), tokens.toString());
            assertEquals(1, counts.getJsonObject("apps").getInt("active"));
            assertEquals(1, counts.getJsonObject("keys").getInt("active"));
            assertTrue(counts.getJsonNumber("revocation_entries").longValue() >= 1);

            JsonObject rates = r.json().getJsonObject("rates");
            assertEquals(Overview.SERIES, rates.getJsonArray("series").getValuesAs(jakarta.json.JsonString.class).stream()
                    .map(jakarta.json.JsonString::getString).toList());
            var points = rates.getJsonArray("points");
            assertEquals(1, points.size(), "one interval sampled");
            var perSecond = points.getJsonObject(0).getJsonArray("per_second");
            double interval = Overview.INTERVAL_SECONDS;
            assertEquals(3 / interval, perSecond.getJsonNumber(0).doubleValue(), 1e-3, "three agents issued a token");
            assertEquals(1 / interval, perSecond.getJsonNumber(1).doubleValue(), 1e-3, "one renewal");
            assertEquals(1 / interval, perSecond.getJsonNumber(2).doubleValue(), 1e-3, "one delegation");
            assertEquals(2 / interval, perSecond.getJsonNumber(3).doubleValue(), 1e-3, "two live tokens revoked");
            assertTrue(perSecond.getJsonNumber(4).doubleValue() >= 1 / interval, "a refused validation");
            assertTrue(broker.valid(renewed));

            String agentToken = broker.registerAgent(admin, "orch", "no-audit", "[\"read:data:*\"]").token();
            assertEquals(403, broker.get("/v1/admin/overview", agentToken).status(), "operators only");
        }
    }

    @Test
    void aChainIsTheTreeOfItsRootWhetherNamedByAgentOrJti() {
        try (TestBroker broker = TestBroker.start(dir.resolve("chains"))) {
            String admin = broker.adminToken();
            var a = broker.registerAgent(admin, "orch", "tree", "[\"read:data:*\"]");
            var b = broker.registerAgent(admin, "orch", "tree-b", "[\"read:data:*\"]");
            var c = broker.registerAgent(admin, "orch", "tree-c", "[\"read:data:*\"]");
            String ab = broker.delegated(a.token(), b.agentId(), "[\"read:data:x\"]");
            String bc = broker.delegated(ab, c.agentId(), "[\"read:data:x\"]");
            String renewedA = broker.post("/v1/token/renew", null, a.token()).json().getString("access_token");

            String path = "/v1/admin/chains/" + URLEncoder.encode(a.agentId(), StandardCharsets.UTF_8);
            JsonObject root = broker.get(path, admin).json().getJsonObject("root");
            assertEquals(a.agentId(), root.getString("agent_id"));
            assertEquals(broker.validate(renewedA).getJsonObject("claims").getString("jti"), root.getString("jti"),
                    "the root node is the root agent's latest own token");
            assertEquals("active", root.getString("state"));
            JsonObject child = root.getJsonArray("children").getJsonObject(0);
            assertEquals(b.agentId(), child.getString("agent_id"), "delegated from the earlier, renewed token");
            JsonObject grandchild = child.getJsonArray("children").getJsonObject(0);
            assertEquals(c.agentId(), grandchild.getString("agent_id"));
            assertEquals(0, grandchild.getJsonArray("children").size());
            JsonObject bcClaims = broker.validate(bc).getJsonObject("claims");
            assertEquals(java.time.Instant.ofEpochSecond(bcClaims.getJsonNumber("iat").longValue()).toString(),
                    grandchild.getString("issued_at"), "each node says when it was issued: its TTL bar's start");

            String bcJti = broker.validate(bc).getJsonObject("claims").getString("jti");
            assertEquals(root, broker.get("/v1/admin/chains/" + bcJti, admin).json().getJsonObject("root"));

            // Several trees in one request, in order; a root without a tree is null, not a failure of the rest.
            var several = broker.post("/v1/admin/chains", "{\"roots\":[\"" + a.agentId() + "\",\"" + bcJti
                    + "\",\"spiffe://mandate.local/agent/none/none/0\",\"" + "0".repeat(32) + "\"]}", admin);
            assertEquals(200, several.status(), several.toString());
            var trees = several.json().getJsonArray("trees");
            assertEquals(4, trees.size());
            assertEquals(root, trees.getJsonObject(0));
            assertEquals(root, trees.getJsonObject(1), "a jti names the tree it is in");
            assertEquals(jakarta.json.JsonValue.NULL, trees.get(2));
            assertEquals(jakarta.json.JsonValue.NULL, trees.get(3));
            var twice = broker.post("/v1/admin/chains", "{\"roots\":[\"" + a.agentId() + "\",\"" + a.agentId() + "\"]}", admin);
            assertEquals(List.of(root, root), twice.json().getJsonArray("trees"), "a root named twice: its tree twice, read once");
            assertProblem(broker.post("/v1/admin/chains", "{\"roots\":[\"a\\u0000\"]}", admin), 400, "invalid_request",
                    "/v1/admin/chains");
            assertProblem(broker.get("/v1/admin/agents?q=a%00", admin), 400, "invalid_request", "/v1/admin/agents");
            assertProblem(broker.post("/v1/admin/chains", "{\"roots\":[]}", admin), 400, "invalid_request", "/v1/admin/chains");
            assertProblem(broker.post("/v1/admin/chains", "{\"roots\":[" + String.join(",",
                    java.util.Collections.nCopies(201, "\"x\"")) + "]}", admin), 400, "invalid_request", "/v1/admin/chains");
            assertProblem(broker.post("/v1/admin/chains", "{\"roots\":[\"" + "x".repeat(601) + "\"]}", admin), 400,
                    "invalid_request", "/v1/admin/chains");
            assertProblem(broker.post("/v1/admin/chains", "{\"roots\":\"x\"}", admin), 400, "invalid_request", "/v1/admin/chains");
            assertEquals(401, broker.post("/v1/admin/chains", "{\"roots\":[\"x\"]}", null).status());
            assertEquals(403, broker.post("/v1/admin/chains", "{\"roots\":[\"" + a.agentId() + "\"]}", renewedA).status(),
                    "operators only");
            broker.revoke(admin, "chain", a.agentId());
            JsonObject revoked = broker.get(path, admin).json().getJsonObject("root");
            assertEquals("revoked", revoked.getJsonArray("children").getJsonObject(0).getString("state"));

            assertProblem(broker.get("/v1/admin/chains/" + "0".repeat(32), admin), 404, "not_found", "/v1/admin/chains/" + "0".repeat(32));
            assertEquals(404, broker.get("/v1/admin/chains/nobody", admin).status());
        }
    }

    @Test
    void theEventStreamCarriesLifecycleEventsResumesAndSendsHeartbeats() throws Exception {
        Path data = dir.resolve("events");
        try (TestBroker broker = TestBroker.start(data, Map.of("MANDATE_CONFIG", heartbeatConfig().toString()))) {
            String admin = broker.adminToken();
            long lastId;
            try (Stream stream = new Stream(broker, admin, null)) {
                assertEquals("key_rotated", stream.next()[1]);
                var a = broker.registerAgent(admin, "orch", "stream", "[\"read:data:*\"]");
                String[] registered = stream.nextOf("agent_registered");
                assertTrue(registered[2].contains(a.agentId()));
                String[] issued = stream.next();
                assertEquals("token_issued", issued[1]);
                JsonObject data1 = dev.mandate.server.http.Json.parse(issued[2]);
                assertEquals(Long.parseLong(issued[0]), data1.getJsonNumber("seq").longValue());
                assertEquals(broker.validate(a.token()).getJsonObject("claims").getString("jti"), data1.getString("jti"));

                var b = broker.registerAgent(admin, "orch", "stream-b", "[\"read:data:*\"]");
                broker.delegated(a.token(), b.agentId(), "[\"read:data:x\"]");
                assertEquals(b.agentId(), dev.mandate.server.http.Json.parse(stream.nextOf("delegation_created")[2]).getString("agent_id"));
                broker.revoke(admin, "task", "stream-b");
                JsonObject revoked = dev.mandate.server.http.Json.parse(stream.nextOf("token_revoked")[2]);
                assertEquals("task", revoked.getString("level"));
                assertEquals("stream-b", revoked.getString("target"));
                assertEquals(1, revoked.getInt("count"));

                broker.clock.advance(Duration.ofSeconds(301));                 // a's token and the one it delegated expire
                JsonObject first = dev.mandate.server.http.Json.parse(stream.nextOf("token_expired")[2]);
                JsonObject second = dev.mandate.server.http.Json.parse(stream.nextOf("token_expired")[2]);
                assertEquals(java.util.Set.of(a.agentId(), b.agentId()),
                        java.util.Set.of(first.getString("agent_id"), second.getString("agent_id")));
                lastId = second.getJsonNumber("seq").longValue();
                assertTrue(stream.sawComment(": heartbeat", Duration.ofSeconds(3)), "a heartbeat comment while idle");
            }

            admin = broker.adminToken();
            var c = broker.registerAgent(admin, "orch", "while-away", "[\"read:data:*\"]");
            broker.restart();
            admin = broker.adminToken();
            try (Stream resumed = new Stream(broker, admin, lastId)) {
                List<String> ids = new ArrayList<>();
                String[] first = resumed.next();
                ids.add(first[0]);
                assertEquals("agent_registered", first[1], "resumes right after the last event seen, across a restart");
                assertTrue(first[2].contains(c.agentId()));
                assertEquals(lastId + 1, Long.parseLong(first[0]));
                String[] second = resumed.next();
                assertEquals("token_issued", second[1]);
                assertEquals(lastId + 2, Long.parseLong(second[0]), "no gap, no duplicate");
                assertTrue(resumed.sawComment(": live", Duration.ofSeconds(3)), "the replay ends with a comment saying so");
                var d = broker.registerAgent(admin, "orch", "after-replay", "[\"read:data:*\"]");
                assertTrue(resumed.nextOf("agent_registered")[2].contains(d.agentId()), "new events after it");
            }
            assertProblem(broker.get("/v1/admin/events", null), 401, "unauthorized", "/v1/admin/events");
        }
    }

    @Test
    void aSubscriberThatFallsBehindIsMarkedToBeDropped() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("slow"))) {
            EventLog log = broker.broker().events();
            EventLog.Subscriber slow = log.subscribe(2);
            broker.broker().db().write(tx -> {
                for (int i = 0; i < 3; i++) {
                    log.record(tx, new Event.TokenIssued("spiffe://t/agent/o/k/1", "k", "o", "%032x".formatted(i)));
                }
                return null;
            });
            assertTrue(slowOverflowed(slow), "the third event did not fit: the stream will close it");
            log.unsubscribe(slow);
            assertNotNull(log);
        }
    }

    private static boolean slowOverflowed(EventLog.Subscriber s) throws Exception {
        var field = EventLog.Subscriber.class.getDeclaredField("overflowed");
        field.setAccessible(true);
        return field.getBoolean(s);
    }
    @Test
    void theStreamEndsWhenTheTokenThatOpenedItIsRevoked() throws Exception {
        try (TestBroker broker = TestBroker.start(dir)) {
            String watcher = broker.adminToken();
            String operator = broker.adminToken();
            try (Stream stream = new Stream(broker, watcher, null)) {
                broker.registerAgent(operator, "watch", "revoked-watcher", "[\"read:data:*\"]");
                assertNotNull(stream.nextOf("agent_registered"), "the stream works while its token does");
                String jti = broker.validate(watcher).getJsonObject("claims").getString("jti");
                assertEquals(1, broker.revoke(operator, "token", jti).json().getInt("count"));
                assertTrue(stream.closesWithin(Duration.ofSeconds(10)), "a revoked token's stream ends at once");
            }
            assertProblem(broker.get("/v1/admin/events", watcher), 401, "unauthorized", "/v1/admin/events");
        }
    }

    @Test
    void theStreamEndsWhenTheTokenThatOpenedItExpires() throws Exception {
        try (TestBroker broker = TestBroker.start(dir)) {
            String watcher = broker.adminToken();   // admin tokens live 5 minutes
            try (Stream stream = new Stream(broker, watcher, null)) {
                broker.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
                broker.registerAgent(broker.adminToken(), "watch", "expired-watcher", "[\"read:data:*\"]");
                assertTrue(stream.closesWithin(Duration.ofSeconds(10)), "an expired token's stream ends");
            }
        }
    }
}
