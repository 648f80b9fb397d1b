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
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The keys tab's view-model against a fake broker: no toolkit, no network (the real broker is not the point here). */
class KeysViewModelTest {

    /** A broker with keys that rotates on request, or refuses to while its HSM is down. */
    private static final class FakeBroker extends StubBroker {
        final List<Model.KeyView> keys = new ArrayList<>(List.of(key("k1", "active")));
        boolean hsmDown;

        static Model.KeyView key(String kid, String state) {
            return new Model.KeyView(kid, state, "label-" + kid, Instant.EPOCH, null, null);
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

    private static List<String> states(KeysViewModel vm) {
        return vm.keys().stream().map(k -> k.kid() + ":" + k.state()).toList();
    }
}
