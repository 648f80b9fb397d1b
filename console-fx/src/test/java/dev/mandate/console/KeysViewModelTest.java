package dev.mandate.console;

import dev.mandate.console.client.BrokerException;
import dev.mandate.console.client.Model;
import dev.mandate.console.keys.KeysViewModel;
import dev.mandate.console.fx.Tasks;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The keys tab's view-model against a fake broker: no toolkit, no network (the real broker is not the point here). */
class KeysViewModelTest {

    /** A broker with keys that rotates on request, or refuses to while its HSM is down. */
    private static final class FakeBroker extends StubBroker {
        final List<Model.KeyView> keys = new ArrayList<>(List.of(key("k1", "active")));
        boolean hsmDown;

        static Model.KeyView key(String kid, String state) {
            return new Model.KeyView(kid, state, "label-" + kid, Instant.EPOCH, null, null, 0);
        }

        @Override
        public List<Model.KeyView> keys() {
            return List.copyOf(keys);
        }

        @Override
        public String rotateNow() {
            if (hsmDown) {
                throw new BrokerException(503, "the HSM is unavailable; try again shortly");
            }
            String kid = "k" + (keys.size() + 1);
            keys.replaceAll(k -> k.state().equals("active") ? key(k.kid(), "retiring") : k);
            keys.add(key(kid, "active"));
            return kid;
        }
    }

    @Test
    void rotatingSaysWhichKeySignsNowAndReloadsTheList() {
        FakeBroker broker = new FakeBroker();
        KeysViewModel vm = new KeysViewModel(broker, Tasks.inline());
        vm.refresh();
        assertEquals(List.of("k1:active"), states(vm));
        vm.rotateNow();
        assertEquals("Now signing with k2", vm.message().get());
        assertEquals(List.of("k1:retiring", "k2:active"), states(vm));
    }

    @Test
    void aFailedRotationSaysWhyAndLeavesTheListAsItWas() {
        FakeBroker broker = new FakeBroker();
        KeysViewModel vm = new KeysViewModel(broker, Tasks.inline());
        vm.refresh();
        broker.hsmDown = true;
        vm.rotateNow();
        assertEquals("Rotation failed: the HSM is unavailable; try again shortly", vm.message().get());
        assertEquals(List.of("k1:active"), states(vm));
        assertThrows(UnsupportedOperationException.class, () -> vm.keys().clear(), "the view cannot edit the list");
    }

    @Test
    void revokingARealKeyNamesItsLiveTokensFirstThenKillsThem(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        try (dev.mandate.server.TestBroker broker = Fixture.broker(dir)) {
            String admin = broker.adminToken();
            var agent = broker.registerAgent(admin, "keys", "keys", "[\"read:data:*\"]");
            KeysViewModel vm = new KeysViewModel(Fixture.client(broker), Tasks.inline());
            vm.refresh();
            Model.KeyView active = vm.keys().stream().filter(k -> k.state().equals("active")).findFirst().orElseThrow();
            assertTrue(active.liveTokens() >= 2, "the admin's and the agent's tokens: " + active);
            List<KeysViewModel.Confirmation> asked = new java.util.ArrayList<>();
            vm.prepareRevoke(active, asked::add);
            var c = asked.getFirst();
            assertTrue(c.description().contains(active.liveTokens() + " live tokens signed by it or derived from its tokens will die"),
                    c.description());
            assertTrue(c.description().contains("The next key takes over signing"), c.description());

            vm.confirmRevoke(c);
            assertEquals("Revoked key " + active.kid() + ": " + active.liveTokens() + " live tokens killed.", vm.message().get(),
                    "the count confirmed is the count killed");
            assertFalse(broker.valid(agent.token()));
            Model.KeyView revoked = vm.keys().stream().filter(k -> k.kid().equals(active.kid())).findFirst().orElseThrow();
            assertEquals("revoked", revoked.state());
            assertTrue(KeysViewModel.timeline(revoked).matches("created .* → active .* → revoked \\d\\d-\\d\\d \\d\\d:\\d\\d"),
                    KeysViewModel.timeline(revoked));
            assertEquals(1, vm.keys().stream().filter(k -> k.state().equals("active")).count(), "another key signs");
        }
    }

    @Test
    void aKeysTimelineTellsItsLifeInOrder() {
        Instant created = Instant.parse("2026-12-01T10:00:00Z");
        assertEquals("created 12-01 10:00 → next (published, not yet signing)", KeysViewModel.timeline(
                new Model.KeyView("k", "next", "l", created, null, null, 0)));
        assertEquals("created 12-01 10:00 → active 12-01 10:05", KeysViewModel.timeline(
                new Model.KeyView("k", "active", "l", created, created.plusSeconds(300), null, 3)));
        assertEquals("created 12-01 10:00 → active 12-01 10:05 → stopped signing 12-02 10:05 (verifies until its tokens expire)",
                KeysViewModel.timeline(new Model.KeyView("k", "retiring", "l", created, created.plusSeconds(300),
                        created.plusSeconds(86_700), 1)));
        assertEquals("created 12-01 10:00 → active 12-01 10:05 → stopped signing 12-02 10:05 → retired",
                KeysViewModel.timeline(new Model.KeyView("k", "retired", "l", created, created.plusSeconds(300),
                        created.plusSeconds(86_700), 0)));
    }

    private static List<String> states(KeysViewModel vm) {
        return vm.keys().stream().map(k -> k.kid() + ":" + k.state()).toList();
    }
}
