package dev.mandate.console;

import dev.mandate.console.client.Model;
import dev.mandate.console.fx.Tasks;
import dev.mandate.console.overview.OverviewViewModel;
import dev.mandate.server.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The overview's view-model: a real broker's counts, and rate points mapped to one series per operation. */
class OverviewViewModelTest {

    @TempDir
    Path dir;

    @Test
    void aRealBrokersCountsAreShownLineByLine() {
        try (TestBroker broker = Fixture.broker(dir)) {
            String admin = broker.adminToken();
            var a = broker.registerAgent(admin, "overview", "a", "[\"read:data:*\"]");
            broker.registerAgent(admin, "overview", "b", "[\"read:data:*\"]");
            broker.revoke(admin, "agent", a.agentId());
            OverviewViewModel vm = new OverviewViewModel(Fixture.client(broker), Tasks.inline());
            vm.refresh();
            assertEquals("", vm.message().get());
            assertEquals("Agents: 2 registered", vm.agents().get());
            // b's token is live; a's was revoked with its agent (operators' tokens are not counted).
            assertEquals("Tokens: 1 live · 0 released · 0 superseded · revocation entries 1", vm.tokens().get());
            assertEquals("Keys: 1 active · 0 next · 0 retiring · 0 retired · 0 revoked", vm.keys().get());
            assertEquals("Apps: 0 active · 0 inactive", vm.apps().get());
            assertEquals(List.of("Issued", "Renewed", "Delegated", "Revoked", "Refused validations"),
                    vm.series().get().stream().map(OverviewViewModel.Series::name).toList());
        }
    }

    @Test
    void eachOperationBecomesASeriesOfItsRatesOverTime() {
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        OverviewViewModel vm = new OverviewViewModel(new StubBroker() {
            @Override
            public Model.Overview overview() {
                return new Model.Overview(0, Map.of("live", 3L, "quarantined", 1L), Map.of(), Map.of(), 0,
                        List.of("issued", "revoked"), List.of(new Model.RatePoint(t, List.of(1.5, 0.0)),
                        new Model.RatePoint(t.plusSeconds(10), List.of(2.0, 0.1))));
            }
        }, Tasks.inline());
        vm.refresh();
        var series = vm.series().get();
        assertEquals(List.of(new OverviewViewModel.Point(t.getEpochSecond(), 1.5),
                new OverviewViewModel.Point(t.getEpochSecond() + 10, 2.0)), series.get(0).points());
        assertEquals(0.1, series.get(1).points().get(1).perSecond());
        assertEquals("Tokens: 3 live · 0 released · 0 superseded · 1 quarantined · revocation entries 0",
                vm.tokens().get(), "a state the console does not know is shown, not dropped");
    }
}
