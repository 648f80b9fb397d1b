package dev.mandate.console.agents;

import java.time.Duration;
import java.time.Instant;

/**
 * When a countdown is drawn again. The shared clock ticks every {@link #PERIOD}; each countdown moves once a
 * second, at a moment within the second of its own, taken from its id. A tick so redraws about a tenth of the
 * rows on screen instead of all of them at once. The reason is JavaFX's repaint: when more than a dozen rows of a
 * table or tree change in one frame, it repaints the whole list (tens of milliseconds in software, on the render
 * thread the FX thread waits for at its next change); a few rows repaint in a millisecond or two.
 *
 * <p>A countdown is at most a second behind the clock, as it was when every one moved on one tick a second.
 * A change of state (revoked, released) is drawn at once, not at the row's moment.
 */
public final class Ticks {

    /** How often the shared clock ticks. */
    public static final Duration PERIOD = Duration.ofMillis(100);

    private Ticks() {
    }

    /** Whether the countdown of {@code id} moves between two ticks of the clock: its moment of a second passed. */
    public static boolean due(String id, Instant was, Instant now) {
        if (was == null || now == null) {
            return true;
        }
        long phase = phaseMillis(id);
        return Math.floorDiv(was.toEpochMilli() - phase, 1000) != Math.floorDiv(now.toEpochMilli() - phase, 1000);
    }

    /** The moment within each second (0 to 999 ms) at which the countdown of {@code id} moves. */
    static long phaseMillis(String id) {
        // The id's hash mixed (ids often differ only in their last characters), spread over the second.
        return Math.floorMod(Integer.rotateLeft(java.util.Objects.hashCode(id) * 0x9E3779B9, 16), 1000);
    }
}
