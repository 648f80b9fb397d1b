package dev.mandate.console;

import dev.mandate.console.audit.AuditViewModel;
import dev.mandate.console.client.Model;
import dev.mandate.console.fx.Tasks;
import dev.mandate.server.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audit tab's view-model: against a real broker for the query and a valid chain, a stub for a broken one. */
class AuditViewModelTest {

    @TempDir
    Path dir;

    @Test
    void theQueryFiltersByTypeAndTheChainOfARealBrokerVerifies() {
        try (TestBroker broker = Fixture.broker(dir)) {
            String admin = broker.adminToken();
            broker.registerAgent(admin, "audit-vm", "audit-vm", "[\"read:data:*\"]");
            AuditViewModel vm = new AuditViewModel(Fixture.client(broker), Tasks.inline());
            vm.eventType().set("agent_registered");
            vm.refresh();
            assertFalse(vm.rows().isEmpty());
            assertTrue(vm.rows().stream().allMatch(r -> r.type().equals("agent_registered")), vm.rows().toString());
            vm.verify();
            assertTrue(vm.verdict().get().matches("Chain valid: \\d+ events"), vm.verdict().get());
        }
    }

    @Test
    void aBrokenChainIsShownWithWhereItBreaks() {
        AuditViewModel vm = new AuditViewModel(new StubBroker() {
            @Override
            public Model.Verification verify() {
                return new Model.Verification(false, 41, 42L);
            }
        }, Tasks.inline());
        vm.verify();
        assertEquals("Chain BROKEN at event 42 (41 intact before it)", vm.verdict().get());
    }
}
