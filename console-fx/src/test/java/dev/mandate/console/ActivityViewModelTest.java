package dev.mandate.console;

import dev.mandate.console.activity.ActivityViewModel;
import dev.mandate.console.client.Model;
import dev.mandate.console.fx.Tasks;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The activity feed's view-model: newest first, the last 1,000 kept, batched onto the FX thread. */
class ActivityViewModelTest {

    private static Model.LiveEvent event(long seq, String type) {
        return new Model.LiveEvent(seq, type, Instant.EPOCH.plusSeconds(seq), "spiffe://t/agent/o/t/" + seq, null, "t",
                null, null, null, null, null);
    }

    @Test
    void eventsShowNewestFirstWithTheirFields() {
        ActivityViewModel vm = new ActivityViewModel(Tasks.inline());
        vm.offer(event(1, "agent_registered"));
        vm.offer(event(2, "token_issued"));
        assertEquals(2, vm.lines().size());
        assertTrue(vm.lines().get(0).startsWith("#2  1970-01-01T00:00:02Z  token_issued  agent=spiffe://t/agent/o/t/2"), vm.lines().get(0));
        assertTrue(vm.lines().get(1).startsWith("#1 "), vm.lines().get(1));
    }

    @Test
    void aBurstIsAppliedInOneBatchAndOnlyTheLastThousandAreKept() {
        List<Runnable> fxQueue = new ArrayList<>();
        Tasks deferred = new Tasks() {
            @Override
            public void background(Runnable work) {
                work.run();
            }

            @Override
            public void fx(Runnable work) {
                fxQueue.add(work);
            }

            @Override
            public void later(Duration delay, Runnable work) {
                work.run();
            }
        };
        ActivityViewModel vm = new ActivityViewModel(deferred);
        for (long seq = 1; seq <= 1_500; seq++) {
            vm.offer(event(seq, "token_issued"));
        }
        assertEquals(1, fxQueue.size(), "one FX task for the whole burst");
        assertEquals(0, vm.lines().size(), "nothing changes off the FX thread");
        fxQueue.removeFirst().run();
        assertEquals(1_000, vm.lines().size());
        assertTrue(vm.lines().getFirst().startsWith("#1500 "));
        assertTrue(vm.lines().getLast().startsWith("#501 "));
    }
}
