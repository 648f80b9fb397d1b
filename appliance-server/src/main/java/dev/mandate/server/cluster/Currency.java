package dev.mandate.server.cluster;

import dev.mandate.server.error.Refusal;

/**
 * Whether this node's memory (revocation entries, keys, app status) is current enough to answer from. A
 * verdict reads {@link #asOf()} before it reads memory and calls {@link #require(long)} before it answers:
 * memory then holds everything committed before that point, and the point is within the staleness bound.
 */
public interface Currency {

    /** A single broker on its own database is always current: every change goes through its own writer. */
    Currency ALWAYS = new Currency() {
        @Override
        public long asOf() {
            return 0;
        }

        @Override
        public void require(long asOf) {
        }
    };

    /** The point (System.nanoTime) up to which memory holds every change committed anywhere. */
    long asOf();

    /** Nothing when {@code asOf} is within the bound; a 503 refusal otherwise. */
    void require(long asOf);

    /** The refusal of a node that cannot show it is current. */
    static Refusal notCurrent() {
        return Refusal.unavailable("this node cannot show it holds every revocation; try another node or again shortly");
    }
}
