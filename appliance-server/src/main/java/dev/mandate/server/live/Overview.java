package dev.mandate.server.live;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * What the console's overview shows (issue 15): counts of what the broker holds, and how fast it has been
 * issuing, renewing, delegating, revoking and refusing validation over the last 15 minutes. The rates come
 * from this node's counters, sampled every {@link #INTERVAL_SECONDS} seconds into a ring that keeps 15
 * minutes. Agents, released and superseded tokens, apps and keys are counted in the database (the cluster's);
 * live agent tokens in this node's index (on a cluster: those it issued or loaded at start).
 */
public final class Overview {

    public static final int INTERVAL_SECONDS = 10;
    public static final int WINDOW_SECONDS = 15 * 60;
    /** The rates, in the order of every point's values. */
    public static final List<String> SERIES = List.of("issued", "renewed", "delegated", "revoked", "refused_validations");

    /** What the broker holds now: agents, agent tokens by state, apps by status, keys by state, revocation entries. */
    public record Counts(long agents, Map<String, Long> tokens, Map<String, Long> apps, Map<String, Long> keys,
                         long revocationEntries) {
    }

    /** One interval's rates, per second, in the order of {@link #SERIES}, ending at {@code epochSecond}. */
    public record Point(long epochSecond, List<Double> perSecond) {
    }

    private record Sample(long epochMillis, double[] totals) {
    }

    private final List<DoubleSupplier> totals;
    private final Supplier<OperatorViews.Stored> stored;
    private final Supplier<Map<String, Long>> apps;
    private final Supplier<Map<String, Long>> keys;
    private final Clock clock;
    private final Deque<Sample> samples = new ArrayDeque<>();   // guarded by this

    /**
     * @param totals  the counters behind {@link #SERIES}, in its order (totals since start; rates are their deltas)
     * @param stored  the database's counts (agents, agent tokens by state)
     */
    public Overview(List<DoubleSupplier> totals, Supplier<OperatorViews.Stored> stored, Supplier<Map<String, Long>> apps,
                    Supplier<Map<String, Long>> keys, Clock clock) {
        if (totals.size() != SERIES.size()) {
            throw new IllegalArgumentException("one counter per series: " + SERIES);
        }
        this.totals = List.copyOf(totals);
        this.stored = stored;
        this.apps = apps;
        this.keys = keys;
        this.clock = clock;
    }

    /** Records the counters now; the housekeeping calls this every {@link #INTERVAL_SECONDS} seconds. */
    public synchronized void sample() {
        if (!samples.isEmpty() && samples.peekLast().epochMillis() >= clock.millis()) {
            return;   // no time has passed since the last sample (or the clock stepped back): nothing to rate
        }
        double[] now = new double[totals.size()];
        for (int i = 0; i < now.length; i++) {
            now[i] = totals.get(i).getAsDouble();
        }
        samples.addLast(new Sample(clock.millis(), now));
        long oldest = clock.millis() - (WINDOW_SECONDS + INTERVAL_SECONDS) * 1000L;
        while (samples.size() > 1 && samples.peekFirst().epochMillis() < oldest) {
            samples.removeFirst();
        }
    }

    /** The rates between consecutive samples of the last 15 minutes, oldest first. */
    public synchronized List<Point> rates() {
        List<Point> points = new ArrayList<>();
        Sample previous = null;
        for (Sample s : samples) {
            if (previous != null && s.epochMillis() > previous.epochMillis()) {
                double seconds = (s.epochMillis() - previous.epochMillis()) / 1000.0;
                List<Double> perSecond = new ArrayList<>(s.totals().length);
                for (int i = 0; i < s.totals().length; i++) {
                    perSecond.add(Math.max(0, s.totals()[i] - previous.totals()[i]) / seconds);
                }
                points.add(new Point(s.epochMillis() / 1000, List.copyOf(perSecond)));
            }
            previous = s;
        }
        return points;
    }

    public Counts counts() {
        OperatorViews.Stored s = stored.get();
        return new Counts(s.agents(), s.tokens(), apps.get(), keys.get(), s.revocationEntries());
    }
}
