package dev.mandate.console;

import dev.mandate.console.client.BrokerException;
import dev.mandate.console.client.EventFeed;
import dev.mandate.console.client.Model;
import dev.mandate.console.fx.Tasks;
import dev.mandate.console.status.StatusViewModel;
import dev.mandate.server.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The status bar's view-model: a real broker's health, and the two ways a broker can be unwell. */
class StatusViewModelTest {

    @TempDir
    Path dir;

    @Test
    void aHealthyBrokerShowsOkAndItsHsmUp() {
        try (TestBroker broker = Fixture.broker(dir)) {
            StatusViewModel vm = new StatusViewModel(Fixture.client(broker), Tasks.inline());
            vm.refresh();
            assertEquals("broker: ok", vm.health().get());
            assertEquals("HSM: up", vm.hsm().get());
        }
    }

    @Test
    void a503IsADegradedBrokerWithItsHsmDownAndNoAnswerIsUnreachable() {
        int[] status = {503};
        StatusViewModel vm = new StatusViewModel(new StubBroker() {
            @Override
            public Model.Health health() {
                throw new BrokerException(status[0], "no");
            }
        }, Tasks.inline());
        vm.refresh();
        assertEquals("broker: degraded", vm.health().get());
        assertEquals("HSM: down", vm.hsm().get());
        status[0] = 0;
        vm.refresh();
        assertEquals("broker: unreachable", vm.health().get());
        assertEquals("HSM: ?", vm.hsm().get());
        vm.connection(EventFeed.State.RECONNECTING);
        assertEquals("events: reconnecting", vm.connection().get());
    }
}
