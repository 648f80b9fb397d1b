package dev.mandate.console;

import dev.mandate.console.agents.AgentsViewModel;
import dev.mandate.console.agents.Forest;
import dev.mandate.console.chains.TreesViewModel;
import dev.mandate.console.client.Model;
import dev.mandate.console.fx.Tasks;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Trees tab's view-model without a toolkit, over a fake broker holding one known forest. */
class TreesViewModelTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final String A = "spiffe://t/agent/o/k/a";
    private static final String B = "spiffe://t/agent/o/k/b";
    private static final String C = "spiffe://t/agent/o/k/c";
    private static final String D = "spiffe://t/agent/o/k/d";

    /** A holds a0 (renewed from a-old); B got b0 from a0; C got c0 (revoked) from b0; D got d0 from a-old. */
    private final List<String[]> revoked = new ArrayList<>();
    private final StubBroker broker = new StubBroker() {
        @Override
        public List<Model.AgentView> agents() {
            return List.of(
                    agent(A, token("a-old", "superseded", null, 0, 100), token("a0", "active", null, 0, 300)),
                    agent(B, token("b0", "active", "a0", 1, 200)),
                    agent(C, token("c0", "revoked", "b0", 2, 150)),
                    agent(D, token("d0", "active", "a-old", 1, 50)));
        }

        @Override
        public int revoke(String level, String target) {
            revoked.add(new String[]{level, target});
            return 1;
        }
    };

    private TreesViewModel vm() {
        AgentsViewModel agents = new AgentsViewModel(broker, Tasks.inline(), Duration.ZERO);
        agents.refresh();
        agents.nowProperty().set(NOW);
        return new TreesViewModel(agents);
    }

    @Test
    void oneTreePerRootWithTokensDelegatedFromRenewedOnesToo() {
        List<TreesViewModel.Branch> trees = TreesViewModel.trees(vm().forestProperty().get());
        assertEquals(1, trees.size());
        TreesViewModel.Branch a = trees.getFirst();
        assertEquals("a0", a.node().jti());
        assertEquals(List.of("b0", "d0"), a.children().stream().map(b -> b.node().jti()).sorted().toList());
        TreesViewModel.Branch b = a.children().stream().filter(x -> x.node().jti().equals("b0")).findFirst().orElseThrow();
        assertEquals(List.of("c0"), b.children().stream().map(x -> x.node().jti()).toList());
    }

    @Test
    void aLiveNodeCountsDownAndADeadOneNeverDoes() {
        Forest forest = vm().forestProperty().get();
        TreesViewModel.Branch a = TreesViewModel.trees(forest).getFirst();
        assertEquals(A + "  [read:data:*]  active  300 s left", TreesViewModel.label(a.node(), NOW));
        Forest.Node c = forest.childrenOf("b0").getFirst();
        assertEquals(C + "  [read:data:*]  revoked", TreesViewModel.label(c, NOW), "revoked: no countdown");
        assertEquals(A + "  [read:data:*]  active", TreesViewModel.label(a.node(), NOW.plusSeconds(301)),
                "past its expiry: no negative countdown");
    }

    @Test
    void revokingANodeOrItsChainCountsExactlyTheLiveTokensThatDie() {
        TreesViewModel vm = vm();
        Forest forest = vm.forestProperty().get();
        Forest.Node b = forest.childrenOf("a0").getFirst();
        AgentsViewModel.Confirmation node = vm.revokeNode(b);
        assertEquals("token", node.level());
        assertEquals("b0", node.target());
        assertEquals(1, node.liveTokens(), "b0 itself; c0 is already revoked");
        AgentsViewModel.Confirmation chain = vm.revokeChain(b);
        assertEquals(3, chain.liveTokens(), "a0, b0 and d0: the whole tree's live tokens");

        vm.confirm(node);
        assertEquals(1, revoked.size());
        assertEquals(List.of("token", "b0"), List.of(revoked.getFirst()));
    }

    @Test
    void eachHopShowsTheScopeItDroppedAndATtlBarThatIsEmptyOnceDead() {
        var root = new Model.TokenView("r0", List.of("read:data:*", "write:reports:*"), NOW.minusSeconds(10),
                NOW.plusSeconds(90), NOW.plusSeconds(90), "active", null, 0);
        var hop = new Model.TokenView("h0", List.of("read:data:x"), NOW.minusSeconds(10), NOW.plusSeconds(50),
                NOW.plusSeconds(50), "active", "r0", 1);
        var dead = new Model.TokenView("x0", List.of("read:data:x"), NOW.minusSeconds(10), NOW.plusSeconds(50),
                NOW.plusSeconds(50), "revoked", "h0", 2);
        Forest f = new Forest(List.of(agent(A, root), agent(B, hop), agent(C, dead)));
        Forest.Node h = f.token("h0").orElseThrow();
        assertEquals(List.of("read:data:*", "write:reports:*"), TreesViewModel.dropped(f, h));
        assertEquals(B + "  [read:data:x]  active  50 s left  · dropped read:data:* write:reports:*", TreesViewModel.line(f, h, NOW));
        assertEquals(A + "  [read:data:* write:reports:*]  active  90 s left", TreesViewModel.line(f, f.token("r0").orElseThrow(), NOW),
                "a root dropped nothing");
        assertEquals(C + "  [read:data:x]  revoked", TreesViewModel.line(f, f.token("x0").orElseThrow(), NOW), "nothing more dropped");

        assertEquals("ok", TreesViewModel.ttlLevel(h, NOW));
        assertEquals("amber", TreesViewModel.ttlLevel(h, NOW.plusSeconds(35)));
        assertEquals("red", TreesViewModel.ttlLevel(h, NOW.plusSeconds(45)));
        assertEquals("expired", TreesViewModel.ttlLevel(h, NOW.plusSeconds(50)));
        assertEquals(0.0, TreesViewModel.remaining(f.token("x0").orElseThrow(), NOW), "a revoked token's bar is empty");
        assertEquals("expired", TreesViewModel.ttlLevel(f.token("x0").orElseThrow(), NOW));
    }

    private static Model.AgentView agent(String id, Model.TokenView... tokens) {
        return new Model.AgentView(id, null, "o", "k", "active", List.of(tokens));
    }

    private static Model.TokenView token(String jti, String state, String parent, int depth, long ttl) {
        return new Model.TokenView(jti, List.of("read:data:*"), NOW.minusSeconds(10), NOW.plusSeconds(ttl),
                NOW.plusSeconds(ttl), state, parent, depth);
    }
}
