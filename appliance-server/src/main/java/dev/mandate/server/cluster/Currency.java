package dev.mandate.server.cluster;

import dev.mandate.server.error.Refusal;

/**
 * Whether this node's memory (revocation entries, keys, app status) is current enough to answer from. A
 * verdict reads {@link #asOf()} before it reads memory and calls {@link #require(Stamp)} before it
 * answers: memory then holds everything committed before that point, and the point is recent enough.
 */
public interface Currency {

    /**
     * When a catch-up began, on both clocks: the monotonic one (immune to clock steps) and the wall clock
     * (which, unlike the monotonic one, goes on while the host is suspended).
     */
    record Stamp(long nanos, long millis) {

        /** The time since the stamp: the larger of the two clocks' readings. */
        public long elapsedNanos() {
            return Math.max(System.nanoTime() - nanos, (System.currentTimeMillis() - millis) * 1_000_000L);
        }
    }

    /** A single broker on its own database is always current: every change goes through its own writer. */
    Currency ALWAYS = new Currency() {
        private final Stamp never = new Stamp(0, 0);

        @Override
        public Stamp asOf() {
            return never;
        }

        @Override
        public void require(Stamp asOf) {
        }
    };

    /** The point up to which memory holds every change committed anywhere. */
    Stamp asOf();

    /** Nothing when {@code asOf} is recent enough; a 503 refusal otherwise. */
    void require(Stamp asOf);

    /** The refusal of a node that cannot show it is current. */
    static Refusal notCurrent() {
        return Refusal.unavailable("this node cannot show it holds every revocation; try another node or again shortly");
    }
}
