package dev.mandate.server.journal;

import dev.mandate.server.storage.Database;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;

/** Records events durably and hands them, in commit order, to every subscribed stream. */
public final class EventLog {

    /** A stream's queue: bounded; a subscriber that falls behind is marked and dropped by its stream. */
    public static final class Subscriber {
        private final BlockingQueue<Event.Recorded> queue;
        private volatile boolean overflowed;

        Subscriber(int capacity) {
            this.queue = new ArrayBlockingQueue<>(capacity);
        }

        /** The next event, waiting at most {@code millis}; null when none came. */
        public Event.Recorded poll(long millis) throws InterruptedException {
            return queue.poll(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        /** True once this subscriber fell behind by a whole queue: its stream must end (and the client resume). */
        public boolean overflowed() {
            return overflowed;
        }
    }

    private final Database db;
    private final JdbcEventStore store = new JdbcEventStore();
    private final Clock clock;
    private final Set<Subscriber> subscribers = new CopyOnWriteArraySet<>();
    /**
     * The last event published, that is on the device: replay stops there. An event committed but not yet
     * synced is left to the live publication that follows its sync; were it replayed and then lost to a power
     * cut, its number would go to another event that a resuming client would skip.
     */
    private volatile long published;
    /**
     * On a shared database: the last event this node has seen, its own or another node's (the writer's).
     * Batches commit one after another, so every event numbered after this node's own last one, up to its
     * next batch, is another node's.
     */
    private long seen;

    public EventLog(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
        this.published = db.read(store::lastSeq);
        this.seen = published;
    }

    /** Writes {@code event} in {@code tx}; subscribers get it once {@code tx} has committed. */
    public void record(Database.Tx tx, Event event) {
        Instant at = clock.instant();
        Event.Recorded recorded = new Event.Recorded(store.insert(tx, event, at), at, event);
        tx.apply(() -> seen = Math.max(seen, recorded.seq()));   // only if the change stands
        tx.afterCommit(() -> publish(recorded));
    }

    /**
     * In a batch on a shared database, under its write lock: the events other nodes committed since the
     * last batch reach this node's streams too, in order, ahead of this batch's own. Events arrive in
     * commit order (the write lock), so none is skipped.
     */
    public void follow(Database.Tx tx) {
        List<Event.Recorded> others = store.between(tx, seen, Long.MAX_VALUE, Integer.MAX_VALUE);
        if (!others.isEmpty()) {
            seen = others.getLast().seq();
            tx.afterCommit(() -> others.forEach(this::publish));
        }
    }

    /** Retained events after {@code seq} that are on the device, oldest first. */
    public List<Event.Recorded> since(long seq, int limit) {
        long upTo = published;
        return db.read(tx -> store.between(tx, seq, upTo, limit));
    }

    /** Forgets events older than {@code before}; returns how many. */
    public int prune(Instant before) {
        return db.write(tx -> store.deleteBefore(tx, before));
    }

    public Subscriber subscribe(int capacity) {
        Subscriber s = new Subscriber(capacity);
        subscribers.add(s);
        return s;
    }

    public void unsubscribe(Subscriber s) {
        subscribers.remove(s);
    }

    public int subscribers() {
        return subscribers.size();
    }

    private void publish(Event.Recorded e) {
        // Before the subscribers are offered it: a stream that subscribed too late for this offer reads
        // the new mark when it replays, so the event reaches it one way or the other.
        published = e.seq();
        for (Subscriber s : subscribers) {
            if (!s.queue.offer(e)) {
                s.overflowed = true;
            }
        }
    }
}
