package dev.mandate.console;

import dev.mandate.console.agents.Ticks;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When countdowns move: each once a second, the rows of a screen spread over the ticks of that second. */
class TicksTest {

    private static final Instant START = Instant.parse("2026-12-02T10:00:00.050Z");

    /** The tick (1 to 10) of the second after {@code start} at which {@code id}'s countdown moves; every tick. */
    private static List<Integer> movesOf(String id, Instant start) {
        List<Integer> moves = new ArrayList<>();
        for (int k = 1; k <= 10; k++) {
            if (Ticks.due(id, start.plus(Ticks.PERIOD.multipliedBy(k - 1)), start.plus(Ticks.PERIOD.multipliedBy(k)))) {
                moves.add(k);
            }
        }
        return moves;
    }

    @Test
    void everyCountdownMovesExactlyOnceInEachSecondOfTicks() {
        for (int i = 0; i < 1000; i++) {
            String id = "spiffe://mandate.local/agent/app/task-" + i + "/" + Integer.toHexString(i * 7919);
            assertEquals(1, movesOf(id, START).size(), id);
            assertEquals(1, movesOf(id, START.plusMillis(37 * i)).size(), id + " from another start");
        }
    }

    @Test
    void theCountdownsOfManyRowsAreSpreadOverTheTicksOfASecond() {
        // Ids as the broker makes them, and ids that differ only in a counter (a burst of one orchestration).
        for (String prefix : List.of("spiffe://mandate.local/agent/billing/reconcile/", "seeded-")) {
            int[] perTick = new int[11];
            IntStream.range(0, 10_000).forEach(i -> movesOf(prefix + i, START).forEach(k -> perTick[k]++));
            for (int k = 1; k <= 10; k++) {
                assertTrue(perTick[k] > 800 && perTick[k] < 1200, prefix + ": tick " + k + " moves " + perTick[k] + " of 10,000");
            }
        }
    }

    @Test
    void aJumpOfTheClockOrAFirstTickRedrawsEveryCountdown() {
        assertTrue(Ticks.due("a", null, START), "the first tick");
        assertTrue(IntStream.range(0, 100).allMatch(i -> Ticks.due("agent-" + i, START, START.plusSeconds(5))), "a second or more later");
        assertTrue(IntStream.range(0, 100).allMatch(i -> Ticks.due("agent-" + i, START, START.minusSeconds(1))), "the clock set back");
        assertEquals(0, IntStream.range(0, 100).filter(i -> Ticks.due("agent-" + i, START, START)).count(), "no tick, no move");
    }
}
