package dev.mandate.console;

import dev.mandate.console.agents.AgentDetailViewModel;
import dev.mandate.console.agents.AgentsViewModel;
import dev.mandate.console.fx.Tasks;
import dev.mandate.server.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent detail pane's view-model on a real broker: an agent's tokens, its tree and its audit trail. */
class AgentDetailViewModelTest {

    @TempDir
    Path dir;

    @Test
    void aDelegatesTokensChainAndAuditTrailAreShown() {
        try (TestBroker broker = Fixture.broker(dir)) {
            String admin = broker.adminToken();
            var a = broker.registerAgent(admin, "detail", "root-task", "[\"read:data:*\"]");
            var b = broker.registerAgent(admin, "detail", "child-task", "[\"read:data:*\"]");
            String ab = broker.delegated(a.token(), b.agentId(), "[\"read:data:x\"]");
            String abJti = broker.validate(ab).getJsonObject("claims").getString("jti");
            var client = Fixture.client(broker);
            AgentsViewModel agents = new AgentsViewModel(client, Tasks.inline(), Duration.ZERO);
            agents.refresh();
            AgentDetailViewModel vm = new AgentDetailViewModel(client, Tasks.inline(), agents.forestProperty()::get);

            vm.show(b.agentId());
            assertEquals(b.agentId(), vm.title().get());
            assertEquals(2, vm.tokens().size(), "b's registration token and the one a delegated: " + vm.tokens());
            assertTrue(vm.tokens().stream().anyMatch(l -> l.startsWith(abJti + "  active  [read:data:x]") && l.contains("delegated from")),
                    vm.tokens().toString());
            assertEquals(3, vm.chain().size(), "b's own tree, then a's with b below a: " + vm.chain());
            assertTrue(vm.chain().get(0).startsWith("▶ " + b.agentId() + "  [read:data:*]  active"), vm.chain().toString());
            assertTrue(vm.chain().get(1).startsWith("• " + a.agentId() + "  [read:data:*]  active"), vm.chain().toString());
            assertTrue(vm.chain().get(2).startsWith("  ▶ " + b.agentId() + "  [read:data:x]  active"), vm.chain().toString());
            assertTrue(vm.audit().stream().anyMatch(r -> r.type().equals("agent_registered")), "its registration is audited");
            assertTrue(vm.audit().stream().allMatch(r -> r.agentId().equals(b.agentId())), "only b's events");

            broker.revoke(admin, "agent", a.agentId());
            vm.show(a.agentId());
            assertTrue(vm.chain().getFirst().contains("revoked"), "the tree says what is true now: " + vm.chain());
            assertTrue(vm.audit().stream().anyMatch(r -> r.type().equals("token_revoked")), vm.audit().toString());
        }
    }
}
