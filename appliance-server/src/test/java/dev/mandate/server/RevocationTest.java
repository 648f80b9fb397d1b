package dev.mandate.server;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.mandate.server.Problem.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SPEC §4's table, level by level, on a tree of three generations across two tasks:
 * <pre>
 *   A (task 1) ─ab→ B ─bc→ C ─cd→ D        tokens a, ab, bc, cd carry task 1, root A
 *   B (task 2) ─bd→ D                      tokens b, bd carry task 2, root B
 *   C (task 1), D (task 2), U (task 3)     tokens c, d, u: their own registrations
 * </pre>
 * After each revocation exactly the expected tokens are refused by validate, by a Bearer route and by
 * introspection, every other token still passes all three, and an offline check built from the JWKS
 * and the revocation feed alone reaches the same verdict for every token.
 */
class RevocationTest extends WithBroker {

    static final AtomicInteger TREES = new AtomicInteger();

    /** One fresh tree; tokens by name, agents by letter. */
    static final class Tree {
        final String task1;
        final String task2;
        final Map<String, TestBroker.Agent> agents = new LinkedHashMap<>();
        final Map<String, String> tokens = new LinkedHashMap<>();

        Tree() {
            int n = TREES.incrementAndGet();
            task1 = "t1-" + n;
            task2 = "t2-" + n;
            agents.put("A", broker.registerAgent(admin, "orch", task1, "[\"read:data:*\",\"write:data:*\"]"));
            agents.put("B", broker.registerAgent(admin, "orch", task2, "[\"read:data:*\"]"));
            agents.put("C", broker.registerAgent(admin, "orch", task1, "[\"read:data:*\"]"));
            agents.put("D", broker.registerAgent(admin, "orch", task2, "[\"read:data:*\"]"));
            agents.put("U", broker.registerAgent(admin, "orch", "t3-" + n, "[\"read:data:*\"]"));
            agents.forEach((name, agent) -> tokens.put(name.toLowerCase(java.util.Locale.ROOT), agent.token()));
            tokens.put("ab", broker.delegated(tokens.get("a"), id("B"), "[\"read:data:*\",\"write:data:reports\"]"));
            tokens.put("bc", broker.delegated(tokens.get("ab"), id("C"), "[\"read:data:*\"]"));
            tokens.put("cd", broker.delegated(tokens.get("bc"), id("D"), "[\"read:data:reports\"]"));
            tokens.put("bd", broker.delegated(tokens.get("b"), id("D"), "[\"read:data:x\"]"));
            tokens.values().forEach(t -> assertTrue(broker.valid(t)));
        }

        String id(String agent) {
            return agents.get(agent).agentId();
        }

        String jti(String token) {
            return broker.validate(tokens.get(token)).getJsonObject("claims").getString("jti");
        }

        /** Exactly {@code dead} are refused everywhere; the rest pass everywhere, online and offline. */
        void expectDead(Set<String> dead) throws Exception {
            OfflineValidator offline = new OfflineValidator(broker, admin);
            for (var e : tokens.entrySet()) {
                boolean alive = !dead.contains(e.getKey());
                String t = e.getValue();
                assertEquals(alive, broker.valid(t), "validate of " + e.getKey());
                assertEquals(alive, broker.bearerAccepts(t), "Bearer route with " + e.getKey());
                var introspection = broker.introspect(admin, t);
                assertEquals(alive, introspection.getBoolean("active"), "introspection of " + e.getKey());
                if (!alive) {
                    assertEquals("{\"active\":false}", introspection.toString());
                }
                assertEquals(alive, offline.valid(t, broker.clock.instant()), "offline check of " + e.getKey());
            }
        }
    }

    private static int revoke(String level, String target) {
        var r = broker.revoke(admin, level, target);
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.json().getBoolean("revoked"));
        assertEquals(level, r.json().getString("level"));
        assertEquals(target, r.json().getString("target"));
        return r.json().getInt("count");
    }

    @Test
    void tokenLevelKillsTheTokenAndItsDescendantsOnly() throws Exception {
        Tree tree = new Tree();
        assertEquals(3, revoke("token", tree.jti("ab")));
        tree.expectDead(Set.of("ab", "bc", "cd"));
        assertEquals(0, revoke("token", tree.jti("a").replace(tree.jti("a"), "f".repeat(32))), "nothing matched");
    }

    @Test
    void agentLevelKillsItsTokensAndTheirDescendantsAndItsFuture() throws Exception {
        Tree tree = new Tree();
        assertEquals(5, revoke("agent", tree.id("B")));
        tree.expectDead(Set.of("b", "ab", "bc", "cd", "bd"));
        assertEquals(0, revoke("agent", tree.id("B")), "a second revocation kills nothing more");

        assertProblem(broker.post("/v1/token/renew", null, tree.tokens.get("b")), 401, "unauthorized", "/v1/token/renew");
        assertProblem(broker.delegate(tree.tokens.get("b"), tree.id("U"), "[\"read:data:x\"]", null), 401, "unauthorized", "/v1/delegate");
        assertProblem(broker.delegate(tree.tokens.get("a"), tree.id("B"), "[\"read:data:x\"]", null), 403, "forbidden", "/v1/delegate");
    }

    @Test
    void taskLevelKillsEveryTokenOfTheTaskAndRefusesItsRegistrations() throws Exception {
        Tree tree = new Tree();
        assertEquals(3, revoke("task", tree.task2));
        tree.expectDead(Set.of("b", "d", "bd"));

        String launch = broker.launchToken(admin, "[\"read:data:*\"]", "");
        var r = broker.post("/v1/register", TestBroker.registration(launch, broker.nonce(), TestBroker.ed25519(), "orch",
                tree.task2, "[\"read:data:x\"]"), null);
        assertProblem(r, 403, "forbidden", "/v1/register");
        assertEquals(200, broker.post("/v1/register", TestBroker.registration(launch, broker.nonce(), TestBroker.ed25519(),
                "orch", tree.task1, "[\"read:data:x\"]"), null).status(), "the refusal did not consume the launch token");
    }

    @Test
    void chainLevelOnAMiddleAgentKillsEveryTreeItTakesPartInIncludingTheRootsOwnToken() throws Exception {
        Tree tree = new Tree();
        assertEquals(6, revoke("chain", tree.id("B")));
        tree.expectDead(Set.of("a", "ab", "bc", "cd", "b", "bd"));
    }

    private static int preview(String level, String... targets) {
        var r = broker.post("/v1/admin/revocations/preview", "{\"level\":\"" + level + "\",\"targets\":[\""
                + String.join("\",\"", targets) + "\"]}", admin);
        assertEquals(200, r.status(), r.toString());
        assertEquals(targets.length, r.json().getInt("targets"));
        return r.json().getInt("count");
    }

    @Test
    void aPreviewCountsWhatRevokingSeveralWouldKillEachTokenOnceAndChangesNothing() throws Exception {
        Tree tree = new Tree();
        // B's tokens and their descendants (b ab bc cd bd) and D's (d cd bd) overlap in cd and bd: six tokens.
        assertEquals(6, preview("agent", tree.id("B"), tree.id("D")));
        assertEquals(6, preview("agent", tree.id("D"), tree.id("B"), tree.id("D")), "a target named twice counts once");
        assertEquals(3, preview("token", tree.jti("ab")));
        assertEquals(6, preview("chain", tree.id("B")));
        assertEquals(3, preview("task", tree.task2));
        tree.expectDead(Set.of());

        assertEquals(6, revoke("agent", tree.id("B")) + revoke("agent", tree.id("D")), "the preview counted what died");
        tree.expectDead(Set.of("b", "ab", "bc", "cd", "bd", "d"));
        assertEquals(0, preview("agent", tree.id("B"), tree.id("D")), "nothing more would die");

        assertProblem(broker.post("/v1/admin/revocations/preview", "{\"level\":\"agent\",\"targets\":[\"spiffe://x/none\"]}",
                admin), 404, "not_found", "/v1/admin/revocations/preview");
        assertProblem(broker.post("/v1/admin/revocations/preview", "{\"level\":\"token\",\"targets\":[\"not-a-jti\"]}",
                admin), 400, "invalid_request", "/v1/admin/revocations/preview");
        assertProblem(broker.post("/v1/admin/revocations/preview", "{\"level\":\"agent\",\"targets\":[]}", admin),
                400, "invalid_request", "/v1/admin/revocations/preview");
        String many = "\"" + String.join("\",\"", java.util.Collections.nCopies(1001, "t")) + "\"";
        assertProblem(broker.post("/v1/admin/revocations/preview", "{\"level\":\"task\",\"targets\":[" + many + "]}", admin),
                400, "invalid_request", "/v1/admin/revocations/preview");
        assertEquals(403, broker.post("/v1/admin/revocations/preview", "{\"level\":\"task\",\"targets\":[\"t\"]}",
                tree.tokens.get("u")).status(), "agents cannot ask");
    }

    @Test
    void chainLevelOnAJtiKillsThatTokensTreeOnly() throws Exception {
        Tree tree = new Tree();
        assertEquals(4, revoke("chain", tree.jti("bc")));
        tree.expectDead(Set.of("a", "ab", "bc", "cd"));
    }

    @Test
    void releaseOfAMiddleTokenKillsItsDescendantsButNotItsAncestors() throws Exception {
        Tree tree = new Tree();
        assertEquals(204, broker.post("/v1/token/release", null, tree.tokens.get("bc")).status());
        tree.expectDead(Set.of("bc", "cd"));
    }

    @Test
    void renewalOfAParentLeavesItsChildrenValid() throws Exception {
        Tree tree = new Tree();
        var renewed = broker.post("/v1/token/renew", null, tree.tokens.get("ab"));
        assertEquals(200, renewed.status(), renewed.toString());
        tree.tokens.put("ab2", renewed.json().getString("access_token"));
        tree.expectDead(Set.of("ab"));
        // The renewed token is a delegated token: same chain, same cap.
        var claims = broker.validate(tree.tokens.get("ab2")).getJsonObject("claims");
        assertEquals(tree.id("A"), claims.getJsonArray("delegation_chain").getJsonObject(0).getString("agent"));
    }

    @Test
    void agentLevelReachesTheChildrenOfItsRenewedTokens() throws Exception {
        Tree tree = new Tree();
        var renewed = broker.post("/v1/token/renew", null, tree.tokens.get("ab"));
        tree.tokens.put("ab2", renewed.json().getString("access_token"));
        assertEquals(5, revoke("agent", tree.id("B")), "b, ab2, bc, cd, bd: ab was already dead");
        tree.expectDead(Set.of("b", "ab", "ab2", "bc", "cd", "bd"));
    }

    @Test
    void countsStayExactAcrossARestart() throws Exception {
        Tree tree = new Tree();
        assertEquals(3, revoke("token", tree.jti("ab")));
        broker.restart();
        admin = broker.adminToken();
        assertEquals(1, revoke("chain", tree.id("A")), "only a was still alive in A's tree");
        tree.expectDead(Set.of("a", "ab", "bc", "cd"));
        assertEquals(0, revoke("task", tree.task1 + "-unused"));
    }

    @Test
    void revokeRequestErrors() {
        String path = "/v1/revoke";
        assertProblem(broker.post(path, "{\"level\":\"galaxy\",\"target\":\"x\"}", admin), 400, "invalid_request", path);
        assertProblem(broker.post(path, "{\"level\":\"token\"}", admin), 400, "invalid_request", path);
        assertProblem(broker.post(path, "{\"target\":\"x\"}", admin), 400, "invalid_request", path);
        assertProblem(broker.post(path, "{\"level\":\"token\",\"target\":\"\"}", admin), 400, "invalid_request", path);
        assertProblem(broker.post(path, "{\"level\":\"token\",\"target\":\"x\"}", null), 401, "unauthorized", path);
        assertEquals(0, revoke("token", "0".repeat(32)), "a well-formed jti the broker never issued: nothing to kill");
    }

    @Test
    void aTargetThatDoesNotFitItsLevelIsRefusedAndRevokesNothing() throws Exception {
        Tree tree = new Tree();
        String path = "/v1/revoke";
        String emoji = "\uD83D\uDD25".repeat(20);
        for (String[] bad : List.of(
                new String[] {"token", "a".repeat(64)},            // a launch-token-shaped string, not a jti
                new String[] {"token", emoji},
                new String[] {"token", tree.jti("a").toUpperCase(java.util.Locale.ROOT)},
                new String[] {"token", tree.id("A")},
                new String[] {"task", "t".repeat(129)},
                new String[] {"task", ".."},
                new String[] {"task", "task/with/slashes"},
                new String[] {"task", emoji})) {
            assertProblem(broker.post(path, "{\"level\":\"" + bad[0] + "\",\"target\":\"" + bad[1] + "\"}", admin),
                    400, "invalid_request", path);
        }
        for (String[] unknown : List.of(
                new String[] {"agent", "spiffe://mandate.local/agent/none/none/0000000000000000"},
                new String[] {"agent", "admin"},                     // would lock every operator out
                new String[] {"agent", "app:" + "0".repeat(8)},
                new String[] {"agent", emoji},
                new String[] {"agent", "x".repeat(5000)},
                new String[] {"chain", "admin"},
                new String[] {"chain", "spiffe://mandate.local/agent/none/none/0000000000000000"},
                new String[] {"chain", "0".repeat(32)},              // a jti the broker never issued
                new String[] {"chain", jtiOf(admin)})) {             // an admin token roots no tree
            assertProblem(broker.post(path, "{\"level\":\"" + unknown[0] + "\",\"target\":\"" + unknown[1] + "\"}", admin),
                    404, "not_found", path);
        }
        tree.expectDead(Set.of());
        assertTrue(broker.valid(admin), "the operator's token survived every attempt");
        assertEquals(200, broker.get("/v1/admin/keys", admin).status(), "and still authorizes");
        assertEquals(0, broker.get("/v1/audit/events?event_type=token_revoked&task_id=" + tree.task1, admin).json()
                .getInt("total"), "nothing was revoked, so nothing was audited as revoked");
    }

    private static String jtiOf(String token) {
        return broker.validate(token).getJsonObject("claims").getString("jti");
    }

    @Test
    void revocationsAreAudited() {
        Tree tree = new Tree();
        revoke("task", tree.task1);
        var events = broker.get("/v1/audit/events?event_type=token_revoked&task_id=" + tree.task1, admin).json();
        assertEquals(1, events.getInt("total"));
        String detail = events.getJsonArray("events").getJsonObject(0).getString("detail");
        assertEquals("level=task target=" + tree.task1 + " count=5", detail);
    }

    @Test
    void revokingASupersededTokenKillsItsRenewalsToo() throws Exception {
        var agent = broker.registerAgent(admin, "succession", "succession-task", "[\"read:data:*\"]");
        String first = agent.token();
        String firstJti = broker.validate(first).getJsonObject("claims").getString("jti");
        String second = broker.post("/v1/token/renew", null, first).json().getString("access_token");
        String third = broker.post("/v1/token/renew", null, second).json().getString("access_token");
        assertTrue(broker.valid(third));
        assertEquals(1, revoke("token", firstJti),
                "the first token was superseded; its live successor dies");
        assertTrue(!broker.valid(third) && !broker.bearerAccepts(third));
        assertTrue(!broker.introspect(admin, third).getBoolean("active"));
    }
}
