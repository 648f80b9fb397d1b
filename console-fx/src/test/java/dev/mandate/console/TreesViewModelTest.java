package dev.mandate.console;

import dev.mandate.console.agents.AgentsViewModel;
import dev.mandate.console.chains.TreesViewModel;
import dev.mandate.console.client.Model;
import dev.mandate.console.fx.Tasks;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Trees tab's view-model without a toolkit, over a fake broker holding one known tree: what it shows of
 * each node. That the broker's trees and counts are right is tested against a real broker
 * ({@code OperatorApiTest}, {@code AgentsViewModelTest}).
 */
class TreesViewModelTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final String A = "spiffe://t/agent/o/k/a";
    private static final String B = "spiffe://t/agent/o/k/b";
    private static final String C = "spiffe://t/agent/o/k/c";
    private static final String D = "spiffe://t/agent/o/k/d";

    /** A holds a0 (renewed from a-old); B got b0 from a0; C got c0 (revoked) from b0; D got d0 from a-old. */
    private final List<String> asked = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
    private final List<String[]> previewed = new ArrayList<>();
    private final StubBroker broker = new StubBroker() {
        @Override
        public Model.AgentPage agents(Model.AgentQuery query, int offset, int limit) {
            List<Model.AgentView> page = List.of(agent(A), agent(B), agent(C), agent(D));
            return new Model.AgentPage(page, page.size(), offset, limit);
        }

        @Override
        public List<Model.ChainNode> chains(List<String> roots) {
            asked.addAll(roots);
            requests.incrementAndGet();
            return roots.stream().map(r -> r.equals(A) ? treeOfA() : null).toList();
        }

        private Model.ChainNode treeOfA() {
            var c0 = node(C, "c0", List.of("read:data:x"), "revoked", 150);
            var b0 = node(B, "b0", List.of("read:data:x", "read:data:y"), "active", 400, c0);   // outlives a0: capped
            var d0 = node(D, "d0", List.of("read:data:*"), "active", 50);
            return node(A, "a0", List.of("read:data:*", "write:reports:*"), "active", 300, b0, d0);
        }

        @Override
        public int previewRevocation(String level, List<String> targets) {
            previewed.add(new String[]{level, String.join(",", targets)});
            return 7;
        }
    };

    private TreesViewModel vm() {
        AgentsViewModel agents = new AgentsViewModel(broker, Tasks.inline(), Duration.ZERO);
        agents.refresh();
        agents.nowProperty().set(NOW);
        TreesViewModel trees = new TreesViewModel(agents, broker, Tasks.inline());
        trees.refresh();
        return trees;
    }

    @Test
    void eachAgentOfThePageIsAskedForItsTreeAndThoseWithoutOneAreLeftOut() {
        TreesViewModel vm = vm();
        assertEquals(List.of(A, B, C, D), asked, "every agent of the page, in its order");
        assertEquals(1, requests.get(), "in one request");
        List<TreesViewModel.Branch> trees = vm.treesProperty().get();
        assertEquals(1, trees.size());
        TreesViewModel.Branch a = trees.getFirst();
        assertEquals("a0", a.jti());
        assertEquals(List.of("b0", "d0"), a.children().stream().map(TreesViewModel.Branch::jti).toList());
        assertEquals(List.of("c0"), a.children().getFirst().children().stream().map(TreesViewModel.Branch::jti).toList());
        assertEquals("", vm.messageProperty().get(), "an agent without a tree is no failure");
    }

    @Test
    void aLiveNodeCountsDownAndADeadOneNeverDoes() {
        TreesViewModel.Branch a = vm().treesProperty().get().getFirst();
        assertEquals(A + "  [read:data:* write:reports:*]  active  300 s left", TreesViewModel.label(a, NOW));
        TreesViewModel.Branch c = a.children().getFirst().children().getFirst();
        assertEquals(C + "  [read:data:x]  revoked", TreesViewModel.label(c, NOW), "revoked: no countdown");
        assertEquals(A + "  [read:data:* write:reports:*]  expired", TreesViewModel.label(a, NOW.plusSeconds(301)),
                "past its expiry: expired, before the broker says so, and no negative countdown");
    }

    @Test
    void eachHopShowsTheScopeItDroppedAndATtlBarThatIsEmptyOnceDead() {
        TreesViewModel.Branch a = vm().treesProperty().get().getFirst();
        TreesViewModel.Branch b = a.children().getFirst();
        assertEquals(List.of("read:data:*", "write:reports:*"), b.dropped());
        assertEquals(B + "  [read:data:x read:data:y]  active  300 s left  · dropped read:data:* write:reports:*",
                TreesViewModel.line(b, NOW), "a delegated token ends no later than its delegator's (300 s, not 400 s)");
        assertEquals(A + "  [read:data:* write:reports:*]  active  300 s left", TreesViewModel.line(a, NOW), "a root dropped nothing");
        TreesViewModel.Branch c = b.children().getFirst();
        assertEquals(C + "  [read:data:x]  revoked  · dropped read:data:y", TreesViewModel.line(c, NOW));

        TreesViewModel.Branch d = a.children().get(1);      // issued 10 s before NOW, 50 s left: 60 s in all
        assertEquals("ok", TreesViewModel.ttlLevel(d, NOW));
        assertEquals("amber", TreesViewModel.ttlLevel(d, NOW.plusSeconds(35)));
        assertEquals("red", TreesViewModel.ttlLevel(d, NOW.plusSeconds(45)));
        assertEquals("expired", TreesViewModel.ttlLevel(d, NOW.plusSeconds(50)));
        assertEquals(0.0, TreesViewModel.remaining(c, NOW), "a revoked token's bar is empty");
        assertEquals("expired", TreesViewModel.ttlLevel(c, NOW));
    }

    @Test
    void revokingANodeOrItsChainAsksTheBrokerToCountAndShowsItsCount() {
        TreesViewModel vm = vm();
        TreesViewModel.Branch b = vm.treesProperty().get().getFirst().children().getFirst();
        List<AgentsViewModel.Confirmation> confirmations = new ArrayList<>();
        vm.revokeNode(b, confirmations::add);
        vm.revokeChain(b, confirmations::add);
        assertEquals(List.of("token b0", "chain b0"), previewed.stream().map(p -> p[0] + " " + p[1]).toList());
        assertEquals(List.of("token", "chain"), confirmations.stream().map(AgentsViewModel.Confirmation::level).toList());
        assertEquals(List.of(7, 7), confirmations.stream().map(AgentsViewModel.Confirmation::liveTokens).toList());
        assertEquals("Revoke token b0 and every token delegated from it: 7 live tokens will die.",
                confirmations.getFirst().description());
    }

    private static Model.AgentView agent(String id) {
        return new Model.AgentView(id, null, "o", "k", "active", List.of());
    }

    private static Model.ChainNode node(String holder, String jti, List<String> scope, String state, long ttl,
                                        Model.ChainNode... children) {
        return new Model.ChainNode(holder, jti, scope, NOW.minusSeconds(10), NOW.plusSeconds(ttl), state, List.of(children));
    }
}
