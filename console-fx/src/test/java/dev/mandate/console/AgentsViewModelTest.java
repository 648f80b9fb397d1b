package dev.mandate.console;

import dev.mandate.console.agents.AgentRow;
import dev.mandate.console.agents.AgentsViewModel;
import dev.mandate.console.agents.Forest;
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
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

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
        return vm.allRows().stream().filter(r -> r.agentId().equals(agentId)).findFirst().orElseThrow();
    }

    @Test
    void rowsAppearFromTheEventStream() throws Exception {
        AgentsViewModel vm = vm();
        int before = vm.allRows().size();
        List<Model.LiveEvent> seen = new CopyOnWriteArrayList<>();
        try (EventFeed feed = new EventFeed(client, lastSeq(), e -> {
            seen.add(e);
            vm.onEvent(e);
        }, s -> { }, Duration.ofMillis(200))) {
            var agent = broker.registerAgent(admin, "vm-orch", "appears", "[\"read:data:*\"]");
            WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> vm.allRows().stream().anyMatch(r -> r.agentId().equals(agent.agentId())));
            assertEquals("active", row(vm, agent.agentId()).state());
            assertEquals("read:data:*", row(vm, agent.agentId()).scopeProperty().get());
            assertTrue(vm.allRows().size() > before);
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
            var confirmation = vm.prepare(rowA, level);
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
        vm.prepareBulk(selected, "agent", asked::add);
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
        vm.prepare(row(vm, t.b().agentId()), "chain");      // shown, then cancelled: confirm is never called
        assertEquals(revocations, broker.get("/v1/audit/events?event_type=token_revoked", admin).json().getInt("total"));
        assertTrue(broker.valid(t.a().token()));
        assertEquals("active", row(vm, t.b().agentId()).state());
    }

    @Test
    void theFilterMatchesAgentOrchTaskScopeAndState() {
        Tree t = Tree.build("filter");
        AgentsViewModel vm = vm();
        vm.filterProperty().set("task-filter-u");
        assertEquals(List.of(t.u().agentId()), vm.visibleRows().stream().map(AgentRow::agentId).toList());
        vm.filterProperty().set("TASK-FILTER");
        assertEquals(4, vm.visibleRows().size());
        vm.filterProperty().set("");
        assertEquals(vm.allRows().size(), vm.visibleRows().size());
    }

    @Test
    void theForestHasTheRightParentChildStructure() {
        Tree t = Tree.build("forest");
        AgentsViewModel vm = vm();
        Forest f = vm.forestProperty().get();
        Forest.Node rootA = f.roots().stream().filter(n -> n.holder().equals(t.a().agentId())).findFirst().orElseThrow();
        List<Forest.Node> children = f.rootChildren(t.a().agentId());
        assertEquals(List.of(t.b().agentId()), children.stream().map(Forest.Node::holder).toList());
        List<Forest.Node> grandchildren = f.childrenOf(children.getFirst().jti());
        assertEquals(List.of(t.c().agentId()), grandchildren.stream().map(Forest.Node::holder).toList());
        assertEquals(t.a().agentId(), f.rootOf(grandchildren.getFirst().jti()));
        assertEquals(Set.of(rootA.jti(), children.getFirst().jti(), grandchildren.getFirst().jti()),
                f.dying("chain", t.b().agentId()).stream().filter(j -> !f.token(j).orElseThrow().holder().equals(t.b().agentId())
                        || f.token(j).orElseThrow().token().depth() > 0).collect(Collectors.toSet()));
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
            assertTrue(client.agents().size() > 0, "and its other calls work with the new token");
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
