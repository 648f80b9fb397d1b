package dev.mandate.server.cluster;

import dev.mandate.server.storage.Database;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * This broker as one node of several on a shared PostgreSQL database (issue 14).
 *
 * <p>Every write batch of every node runs under one cluster-wide lock ({@link Database}), so batches
 * commit one after another. At the start of each batch, this node compares the change feed's latest
 * number with what it has applied and, when behind, runs its refreshers (revocation entries by number,
 * app status, keys, the admin secret) in the batch's transaction: every decision of the batch then sees
 * every change committed before it. A follower thread makes an (otherwise empty) write at least every
 * quarter of the staleness bound, and at once when another node announces a change (LISTEN/NOTIFY): that
 * write catches up, and records the node's heartbeat and applied number in its row.
 *
 * <p>A change that must reach every node calls {@code tx.propagate()}: it is numbered in the feed, and
 * its caller is answered only once every other node with a heartbeat younger than its bound has applied
 * it. A node whose heartbeat is older is dropped from that wait, and it cannot answer from memory either:
 * {@link #require(Stamp)} refuses every verdict whose memory was last shown current longer ago than half
 * the bound (the node's heartbeat is no earlier than its own start of that catch-up, so by the time the
 * waiter drops it by the database's clock, it has stopped answering by its own; the other half of the
 * bound absorbs clock steps and the time between a node's check and its answer). Whatever the database
 * says, a propagated change is never answered before a whole bound has passed since its commit unless
 * every node confirmed it: by then every node has caught up past it, or is refusing.
 */
public final class Cluster implements Currency, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Cluster.class.getName());
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** A node as the health check shows it. */
    public record Node(String name, long appliedSeq, long heartbeatAgeMillis, boolean self, boolean current) {
    }

    private final Database db;
    private final JdbcClusterStore store = new JdbcClusterStore();
    private final String nodeId;
    private final String name;
    private final long boundNanos;
    private final long boundMillis;
    private final int beatMillis;
    private final List<Consumer<Database.Tx>> refreshers = new CopyOnWriteArrayList<>();
    /** The latest feed number whose changes this node's memory holds; the writer thread's (volatile for resets). */
    private volatile long applied;
    /** The start of the last catch-up that completed; memory holds everything committed before it. */
    private volatile Stamp currentAsOf = new Stamp(System.nanoTime(), 0);
    private volatile boolean current;
    private volatile boolean closing;
    private final JdbcChangeListener listener;
    private Thread follower;

    private Cluster(Database db, String name, Duration bound) {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        this.nodeId = HexFormat.of().formatHex(id);
        this.db = db;
        this.name = name;
        this.boundNanos = bound.toNanos();
        this.boundMillis = bound.toMillis();
        this.beatMillis = (int) Math.max(10, boundMillis / 4);
        this.listener = new JdbcChangeListener(db);
    }

    /**
     * This node on {@code db}: from now on every batch catches up before its changes, and changes that
     * call {@code propagate()} wait for the other nodes. {@link #start()} joins the cluster.
     */
    public static Cluster on(Database db, String name, Duration bound) {
        Cluster cluster = new Cluster(db, name, bound);
        db.onEachBatch(cluster::catchUp);
        db.propagateWith(cluster::announce);
        // A node frozen mid-batch (a pause, a partition) must not hold the cluster's write lock for long:
        // the server ends its session after a quarter of the bound idle, and nobody waits for the lock
        // longer than half of it (that batch is refused with 503 instead).
        db.limitLockHolding(bound.dividedBy(4), bound.dividedBy(2));
        return cluster;
    }

    /** Runs {@code refresher} in a batch's transaction whenever another node has committed a change since the last. */
    public void follow(Consumer<Database.Tx> refresher) {
        refreshers.add(refresher);
        applied = 0;   // the next batch runs every refresher, this one included
        db.catchUpNextBatch();
    }

    /** Registers this node's row, shows it current, and starts the follower. */
    public void start() {
        db.write(tx -> {
            store.register(tx, nodeId, name, applied, boundMillis);
            return null;
        });
        beat();
        follower = Thread.ofPlatform().name("mandate-cluster").daemon().start(this::follow);
    }

    @Override
    public Stamp asOf() {
        return currentAsOf;
    }

    @Override
    public void require(Stamp asOf) {
        if (!current || asOf.elapsedNanos() > boundNanos / 2) {
            throw Currency.notCurrent();
        }
    }

    /** True while this node can show it is current. */
    public boolean isCurrent() {
        return current && currentAsOf.elapsedNanos() <= boundNanos / 2;
    }

    /** Every node the database knows, this one marked; a node is current when its heartbeat is within half its bound. */
    public List<Node> nodes() {
        return db.read(store::nodes).stream().map(r -> new Node(r.name(), r.appliedSeq(), r.ageMillis(),
                r.nodeId().equals(nodeId), r.ageMillis() <= r.boundMillis() / 2)).toList();
    }

    /** Forgets nodes silent for an hour, and feed entries older than a day (every node has long applied them). */
    public void prune() {
        db.write(tx -> store.prune(tx, TimeUnit.HOURS.toMillis(1), TimeUnit.DAYS.toMillis(1)));
    }

    /** In the writer thread, at the start of a batch, under the cluster-wide lock. */
    private void catchUp(Database.Tx tx) {
        long latest = store.latestChange(tx);
        if (latest > applied) {
            for (var refresher : refreshers) {
                refresher.accept(tx);
            }
            applied = latest;
        }
    }

    /** In a change's transaction: numbers the change and, once it is durable, waits for the other nodes. */
    private void announce(Database.Tx tx) {
        long seq = store.announce(tx, nodeId);
        // Every feed entry between this batch's catch-up and this one is this batch's own (the lock is held),
        // and the change is applied here: the next batch need not refresh for it.
        tx.apply(() -> applied = Math.max(applied, seq));
        tx.beforeReply(() -> awaitApplied(seq));
    }

    /**
     * Returns once every other node with a heartbeat younger than its bound has applied {@code seq}: a live
     * node applies it in its next batch (at most a quarter of the bound away, sooner on the notification).
     * When the nodes cannot be read, or one has not confirmed within the bound, it returns once the whole
     * bound has passed since the commit: a node that has not caught up past the change by then refuses.
     */
    private void awaitApplied(long seq) {
        long committed = System.nanoTime();   // after the commit: waiting from here waits long enough
        long pause = TimeUnit.MICROSECONDS.toNanos(500);
        long longest = boundNanos;   // the longest bound of any node: the most any may answer from stale memory
        try {
            for (var behind = db.read(tx -> store.behind(tx, nodeId, seq)); behind.nodes() > 0;
                 behind = db.read(tx -> store.behind(tx, nodeId, seq))) {
                longest = Math.max(boundNanos, TimeUnit.MILLISECONDS.toNanos(behind.longestBoundMillis()));
                if (System.nanoTime() - committed > longest) {
                    return;
                }
                LockSupport.parkNanos(pause);
                pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(10));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot read which nodes applied change " + seq + " (" + e.getMessage()
                    + "); answering once the longest staleness bound has passed since its commit");
            while (System.nanoTime() - committed < longest) {
                LockSupport.parkNanos(committed + longest - System.nanoTime());
            }
        }
    }

    /** A write that catches up (in its batch's opener) and records the heartbeat; the node is current as of its start. */
    private void beat() {
        Stamp started = new Stamp(System.nanoTime(), System.currentTimeMillis());
        db.write(tx -> {
            if (!store.beat(tx, nodeId, applied)) {
                store.register(tx, nodeId, name, applied, boundMillis);   // pruned while this node was stopped for an hour
            }
            return null;
        });
        currentAsOf = started;
        current = true;
    }

    private void follow() {
        boolean failing = false;
        while (!closing) {
            try {
                beat();
                if (failing) {
                    LOG.log(Level.INFO, "cluster node " + name + " is current again");
                    failing = false;
                }
            } catch (RuntimeException e) {
                if (!failing && !closing) {
                    LOG.log(Level.WARNING, "cluster node " + name + " cannot catch up (" + e.getMessage()
                            + "); validation answers 503 once the staleness bound has passed");
                    failing = true;
                }
            }
            awaitWake();
        }
    }

    /** Waits for another node's notification, or a quarter of the bound; LISTEN is reconnected when lost. */
    private void awaitWake() {
        try {
            listener.await(beatMillis);
        } catch (RuntimeException e) {
            if (!closing) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(beatMillis));
            }
        }
    }

    /** Leaves the cluster: the row goes, so no revocation waits for this node. */
    @Override
    public void close() {
        closing = true;
        current = false;
        listener.close();
        if (follower != null) {
            try {
                follower.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            db.write(tx -> {
                store.leave(tx, nodeId);
                return null;
            });
        } catch (RuntimeException e) {
            // The database is gone: the row lapses with its heartbeat.
        }
    }
}
