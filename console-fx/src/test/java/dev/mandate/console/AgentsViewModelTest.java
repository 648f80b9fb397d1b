package dev.mandate.console;

import dev.mandate.console.agents.AgentRow;
import dev.mandate.console.agents.AgentsViewModel;
import dev.mandate.console.chains.TreesViewModel;
import dev.mandate.console.client.BrokerClient;
import dev.mandate.console.client.EventFeed;
import dev.mandate.console.client.Model;
import dev.mandate.console.fx.Tasks;
import dev.mandate.server.TestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agents view-model without a toolkit, against a real broker. */
class AgentsViewModelTest {

    @TempDir
    static Path dir;
    static TestBroker broker;
    static String admin;
    static BrokerClient client;

    @BeforeAll
    static void start() {
        broker = Fixture.broker(dir.resolve("vm"));
        admin = broker.adminToken();
        client = Fixture.client(broker);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static AgentsViewModel vm() {
        AgentsViewModel vm = new AgentsViewModel(client, Tasks.inline(), Duration.ZERO);
        vm.refresh();
        return vm;
    }

    private static AgentRow row(AgentsViewModel vm, String agentId) {
        return vm.rows().stream().filter(r -> r.agentId().equals(agentId)).findFirst().orElseThrow();
    }

    @Test
    void rowsAppearFromTheEventStream() throws Exception {
        AgentsViewModel vm = vm();
        long before = vm.totalProperty().get();
        List<Model.LiveEvent> seen = new CopyOnWriteArrayList<>();
        try (EventFeed feed = new EventFeed(client, lastSeq(), e -> {
            seen.add(e);
            vm.onEvent(e);
        }, s -> { }, Duration.ofMillis(200))) {
            var agent = broker.registerAgent(admin, "vm-orch", "appears", "[\"read:data:*\"]");
            WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> vm.rows().stream().anyMatch(r -> r.agentId().equals(agent.agentId())));
            assertEquals("active", row(vm, agent.agentId()).state());
            assertEquals("read:data:*", row(vm, agent.agentId()).scopeProperty().get());
            assertEquals(before + 1, vm.totalProperty().get());
            assertTrue(seen.stream().anyMatch(e -> e.type().equals("agent_registered") && agent.agentId().equals(e.agentId())));
        }
    }

    @Test
    void countdownColoursFollowTheDrivenClock() {
        String launch = broker.launchToken(admin, "[\"read:data:*\"]", "\"max_ttl\":100");
        var reg = broker.post("/v1/register", TestBroker.registration(launch, broker.nonce(), TestBroker.ed25519(),
                "vm-orch", "colours", "[\"read:data:*\"]"), null).json();
        AgentsViewModel vm = vm();
        AgentRow row = row(vm, reg.getString("agent_id"));
        Instant start = row.expiresAt().minusSeconds(100);
        assertEquals("ok", row.ttlLevel(start.plusSeconds(60)));      // 40 % left
        assertEquals("amber", row.ttlLevel(start.plusSeconds(75)));   // 25 % left
        assertEquals("red", row.ttlLevel(start.plusSeconds(95)));     // 5 % left
        assertEquals("expired", row.ttlLevel(start.plusSeconds(100)));
        assertEquals(0.25, row.remaining(start.plusSeconds(75)), 1e-9);
    }

    /** A tree: A ─ab→ B ─bc→ C, all of task t, and an unrelated U. */
    private record Tree(TestBroker.Agent a, TestBroker.Agent b, TestBroker.Agent c, TestBroker.Agent u, String ab, String bc,
                        String task) {
        static Tree build(String name) {
            String task = "task-" + name;
            var a = broker.registerAgent(admin, "vm", task, "[\"read:data:*\"]");
            var b = broker.registerAgent(admin, "vm", task + "-b", "[\"read:data:*\"]");
            var c = broker.registerAgent(admin, "vm", task + "-c", "[\"read:data:*\"]");
            var u = broker.registerAgent(admin, "vm", task + "-u", "[\"read:data:*\"]");
            String ab = broker.delegated(a.token(), b.agentId(), "[\"read:data:x\"]");
            String bc = broker.delegated(ab, c.agentId(), "[\"read:data:x\"]");
            return new Tree(a, b, c, u, ab, bc, task);
        }
    }

    @Test
    void eachRevokeLevelSendsTheRightRequestAfterConfirmationAndRowsTurnRevoked() {
        for (String level : List.of("token", "agent", "task", "chain")) {
            Tree t = Tree.build(level);
            AgentsViewModel vm = vm();
            AgentRow rowA = row(vm, t.a().agentId());
            List<AgentsViewModel.Confirmation> asked = new ArrayList<>();
            vm.prepare(List.of(rowA), level, asked::add);
            var confirmation = asked.getFirst();
            assertEquals(level, confirmation.level());
            int expected = switch (level) {
                case "token", "agent", "chain" -> 3;  // a, ab, bc
                default -> 3;                         // task: a, ab, bc carry A's task
            };
            assertEquals(expected, confirmation.liveTokens(), level + ": " + confirmation.description());
            assertTrue(confirmation.description().contains(expected + " live tokens"));
            assertTrue(broker.valid(t.a().token()), "nothing is sent before the confirmation");

            vm.confirm(confirmation);
            assertFalse(broker.valid(t.a().token()), level);
            assertFalse(broker.valid(t.ab()), level);
            assertFalse(broker.valid(t.bc()), level);
            assertTrue(broker.valid(t.u().token()), level + ": the unrelated agent lives");
            assertTrue(broker.valid(t.b().token()), level + ": b's own token is not in A's tree");
            assertEquals("revoked", row(vm, t.a().agentId()).state(), level);
            assertEquals("active", row(vm, t.u().agentId()).state(), level);
            assertTrue(vm.messageProperty().get().contains("3 live tokens killed"), vm.messageProperty().get());
        }
    }

    @Test
    void revokingSeveralAgentsAsksOnceWithTheBrokersExactCountAndKillsExactlyThat() {
        Tree t = Tree.build("bulk");
        AgentsViewModel vm = vm();
        List<AgentRow> selected = List.of(row(vm, t.a().agentId()), row(vm, t.b().agentId()), row(vm, t.u().agentId()));
        List<AgentsViewModel.Confirmation> asked = new java.util.ArrayList<>();
        vm.prepare(selected, "agent", asked::add);
        assertEquals(1, asked.size(), "one confirmation for the three");
        AgentsViewModel.Confirmation c = asked.getFirst();
        // a: a ab bc; b: b ab bc; u: u. Each token once: five, not seven.
        assertEquals(5, c.liveTokens(), c.description());
        assertTrue(c.description().startsWith("Revoke 3 agents (") && c.description().endsWith("): 5 live tokens will die."),
                c.description());
        assertTrue(broker.valid(t.a().token()) && broker.valid(t.u().token()), "nothing is sent before the confirmation");

        vm.confirm(c);
        assertEquals("Revoked 3 agents: 5 live tokens killed.", vm.messageProperty().get(), "what was confirmed died");
        for (String token : List.of(t.a().token(), t.b().token(), t.u().token(), t.ab(), t.bc())) {
            assertFalse(broker.valid(token));
        }
        assertTrue(broker.valid(t.c().token()), "c's own token was not selected");
        assertEquals("revoked", row(vm, t.u().agentId()).state());
    }

    @Test
    void cancellingSendsNothing() {
        Tree t = Tree.build("cancel");
        AgentsViewModel vm = vm();
        int revocations = broker.get("/v1/audit/events?event_type=token_revoked", admin).json().getInt("total");
        List<AgentsViewModel.Confirmation> asked = new ArrayList<>();
        vm.prepare(List.of(row(vm, t.b().agentId())), "chain", asked::add);   // shown, then cancelled: confirm is never called
        assertEquals(1, asked.size());
        assertEquals(revocations, broker.get("/v1/audit/events?event_type=token_revoked", admin).json().getInt("total"));
        assertTrue(broker.valid(t.a().token()));
        assertEquals("active", row(vm, t.b().agentId()).state());
    }

    @Test
    void theBrokerFiltersByAgentOrchTaskOrScope() {
        Tree t = Tree.build("filter");
        AgentsViewModel vm = vm();
        vm.filterProperty().set("task-filter-u");
        assertEquals(List.of(t.u().agentId()), vm.rows().stream().map(AgentRow::agentId).toList());
        assertEquals(1, vm.totalProperty().get());
        vm.filterProperty().set("TASK-FILTER");
        assertEquals(4, vm.rows().size());
        vm.filterProperty().set("read:data:x");   // the scope delegated to b and c
        assertTrue(vm.rows().stream().map(AgentRow::agentId).toList().containsAll(List.of(t.b().agentId(), t.c().agentId())));
        vm.filterProperty().set("");
        assertEquals(broker.get("/v1/admin/agents?limit=1", admin).json().getInt("total"), vm.totalProperty().get());
    }

    @Test
    void thePageIsTheBrokersOneAtATimeInItsOrder() {
        List<String> ids = new ArrayList<>();
        int[] ttls = {300, 60, 600, 120, 900};
        for (int i = 0; i < ttls.length; i++) {
            String launch = broker.launchToken(admin, "[\"read:data:*\"]", "\"max_ttl\":" + ttls[i]);
            var r = broker.post("/v1/register", TestBroker.registration(launch, broker.nonce(), TestBroker.ed25519(),
                    "pager", "paged-" + i, "[\"read:data:x\"]"), null);
            assertEquals(200, r.status(), r.toString());
            ids.add(r.json().getString("agent_id"));
            broker.clock.advance(Duration.ofSeconds(1));      // a defined newest first
        }
        AgentsViewModel vm = new AgentsViewModel(client, Tasks.inline(), Duration.ZERO, 2);
        vm.filterProperty().set("paged-");
        List<String> seen = new ArrayList<>(shown(vm));
        assertEquals("1–2 of 5", vm.pageProperty().get());
        vm.nextPage();
        seen.addAll(shown(vm));
        assertEquals("3–4 of 5", vm.pageProperty().get());
        vm.nextPage();
        seen.addAll(shown(vm));
        assertEquals("5–5 of 5", vm.pageProperty().get());
        vm.nextPage();
        assertEquals("5–5 of 5", vm.pageProperty().get(), "no page after the last");
        assertEquals(ids.reversed(), seen, "every agent once, newest first, two at a time");
        vm.previousPage();
        assertEquals(List.of(ids.get(2), ids.get(1)), shown(vm));

        vm.sort(AgentsViewModel.Sort.TIME_LEFT, true);
        assertEquals(List.of(ids.get(1), ids.get(3)), shown(vm), "least time left first (60 s, 120 s), from the first page");
        vm.nextPage();
        vm.nextPage();
        assertEquals(List.of(ids.get(4)), shown(vm), "the most time left last (900 s)");
        vm.sort(AgentsViewModel.Sort.AGENT, false);
        assertEquals(ids.stream().sorted(java.util.Comparator.reverseOrder()).limit(2).toList(), shown(vm));
    }

    private static List<String> shown(AgentsViewModel vm) {
        return vm.rows().stream().map(AgentRow::agentId).toList();
    }

    @Test
    void theTreesOfThePageComeFromTheBrokerAndTheirRevocationsAreCountedThere() {
        Tree t = Tree.build("forest");
        assertEquals(200, broker.revoke(admin, "token", broker.validate(t.bc()).getJsonObject("claims").getString("jti")).status());
        AgentsViewModel vm = vm();
        vm.filterProperty().set(t.task());
        TreesViewModel trees = new TreesViewModel(vm, client, Tasks.inline());
        trees.refresh();
        TreesViewModel.Branch a = trees.treesProperty().get().stream().filter(b -> b.holder().equals(t.a().agentId()))
                .findFirst().orElseThrow();
        TreesViewModel.Branch ab = a.children().getFirst();
        assertEquals(t.b().agentId(), ab.holder());
        TreesViewModel.Branch bc = ab.children().getFirst();
        assertEquals(t.c().agentId(), bc.holder());
        assertEquals("revoked", bc.state());
        assertEquals(List.of("read:data:*"), ab.dropped(), "A held read:data:*, B got read:data:x");

        List<AgentsViewModel.Confirmation> asked = new ArrayList<>();
        trees.revokeNode(ab, asked::add);
        trees.revokeChain(ab, asked::add);
        assertEquals(1, asked.get(0).liveTokens(), "ab itself: bc is revoked already");
        assertEquals(2, asked.get(1).liveTokens(), "a and ab: the tree's live tokens");
        trees.confirm(asked.getFirst());
        assertFalse(broker.valid(t.ab()));
        assertTrue(broker.valid(t.a().token()), "a node's revocation spares its delegator");
        trees.refresh();
        assertEquals("revoked", trees.treesProperty().get().stream().filter(b -> b.holder().equals(t.a().agentId()))
                .findFirst().orElseThrow().children().getFirst().state());
    }

    @Test
    void theEventFeedResumesAfterABrokerRestartWithoutLossOrDuplicates() throws Exception {
        List<Long> seqs = new CopyOnWriteArrayList<>();
        List<String> types = new CopyOnWriteArrayList<>();
        try (EventFeed feed = new EventFeed(client, 0, e -> {
            seqs.add(e.seq());
            types.add(e.type());
        }, s -> { }, Duration.ofMillis(200))) {
            broker.registerAgent(admin, "resume", "before", "[\"read:data:*\"]");
            WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> types.contains("agent_registered"));
            broker.restart();                                     // same port; the stream drops
            admin = broker.adminToken();
            var after = broker.registerAgent(admin, "resume", "after", "[\"read:data:*\"]");
            long target = lastSeq();
            WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> !seqs.isEmpty() && seqs.getLast() >= target);
            assertConsecutive(seqs, "every event once, in order, across the restart");
            assertTrue(after.agentId().contains("after"));
        }
    }

    @Test
    void theEventFeedLogsInAgainWhenItsTokenIsRevokedAndResumesWithoutAGap() throws Exception {
        List<Long> seqs = new CopyOnWriteArrayList<>();
        try (EventFeed feed = new EventFeed(client, lastSeq(), e -> seqs.add(e.seq()), s -> { }, Duration.ofMillis(200))) {
            broker.registerAgent(admin, "reauth", "before", "[\"read:data:*\"]");
            long before = lastSeq();
            WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> !seqs.isEmpty() && seqs.getLast() >= before);

            String revoked = client.token();
            String jti = broker.validate(revoked).getJsonObject("claims").getString("jti");
            assertEquals(200, broker.revoke(admin, "token", jti).status());    // the feed's stream ends at once
            broker.registerAgent(admin, "reauth", "after", "[\"read:data:*\"]");
            long target = lastSeq();
            WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> !seqs.isEmpty() && seqs.getLast() >= target);

            assertConsecutive(seqs, "every event once, in order, across the re-authentication");
            assertTrue(!client.token().equals(revoked), "the console logged in again");
            assertTrue(client.agents(Model.AgentQuery.NEWEST, 0, 1).total() > 0, "and its other calls work with the new token");
        }
    }

    private static void assertConsecutive(List<Long> seqs, String message) {
        List<Long> expected = new ArrayList<>();
        for (long s = seqs.getFirst(); s <= seqs.getLast(); s++) {
            expected.add(s);
        }
        assertEquals(expected, List.copyOf(seqs), message);
    }

    private static long lastSeq() {
        return broker.broker().events().since(0, Integer.MAX_VALUE).getLast().seq();
    }
}
