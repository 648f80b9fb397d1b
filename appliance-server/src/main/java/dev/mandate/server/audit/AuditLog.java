package dev.mandate.server.audit;

import dev.mandate.server.storage.Database;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/** Appends, queries and verifies the audit chain. */
public final class AuditLog {

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);


    /** The filters of {@code GET /v1/audit/events}; null means "any". */
    public record Query(String agentId, String taskId, String eventType, String outcome, Instant since, Instant until,
                        int limit, int offset) {
    }

    public record Page(List<AuditEvent> events, long total) {
    }

    public record Verification(boolean valid, long events, String headHash, Long firstBrokenId) {
    }

    private record Head(long id, String hash) {
    }

    private static final class Pending {
        Head head;
    }

    static final int PER_CLIENT_PER_SECOND = 5;
    static final int PER_TYPE_PER_SECOND = 50;
    /** Clients remembered per type; beyond, the least recently seen one's count goes to a per-type "others". */
    private static final int MAX_CLIENTS = 10_000;

    private static final class TypeBudget {
        long second;
        int count;
    }

    private static final class ClientBudget {
        long second;
        int count;
        long dropped;
    }

    private final Database db;
    private final JdbcAuditStore store = new JdbcAuditStore();
    private final LongSupplier clock;
    private volatile Head committed;
    private final java.util.Map<String, TypeBudget> types = new java.util.HashMap<>();
    private final java.util.Map<String, Long> evicted = new java.util.HashMap<>();   // guarded by budgets
    private final java.util.Map<String, ClientBudget> budgets = new java.util.LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, ClientBudget> eldest) {
            if (size() <= MAX_CLIENTS) {
                return false;
            }
            if (eldest.getValue().dropped > 0) {
                evicted.merge(eldest.getKey().substring(0, eldest.getKey().indexOf('\n')), eldest.getValue().dropped, Long::sum);
            }
            return true;
        }
    };
    private long droppedTotal;   // guarded by budgets

    public AuditLog(Database db, LongSupplier millisClock) {
        this.db = db;
        this.clock = millisClock;
        this.committed = db.read(tx -> store.last(tx).map(e -> new Head(e.id(), e.hash()))
                .orElse(new Head(0, AuditEvent.GENESIS)));
    }

    /**
     * In a batch on a shared database, under its cluster-wide write lock: the chain goes on from the head
     * whichever node committed last, so the nodes' appends form one chain in one order.
     */
    public void continueChain(Database.Tx tx) {
        committed = store.last(tx).map(e -> new Head(e.id(), e.hash())).orElse(new Head(0, AuditEvent.GENESIS));
    }

    /** Appends {@code event} inside {@code tx}: it is committed, or rolled back, with the change it records. */
    public void record(Database.Tx tx, Audit event) {
        Pending pending = tx.state(Pending.class, () -> {
            Pending p = new Pending();
            p.head = committed;
            tx.apply(() -> committed = p.head);
            return p;
        });
        long id = pending.head.id() + 1;
        long millis = clock.getAsLong();
        String timestamp = TIMESTAMP.format(Instant.ofEpochMilli(millis));
        String hash = AuditEvent.hash(pending.head.hash(), id, timestamp, event.eventType(), event.agentId(),
                event.taskId(), event.orchId(), event.detail(), event.outcome().wire());
        store.insert(tx, new AuditEvent(id, timestamp, event.eventType(), event.agentId(), event.taskId(), event.orchId(),
                event.detail(), event.outcome().wire(), pending.head.hash(), hash), millis);
        pending.head = new Head(id, hash);
    }

    /** Records an event that changes nothing else (a refusal, a failed login) in its own transaction. */
    private void recordNow(Audit event) {
        db.write(tx -> {
            record(tx, event);
            return null;
        });
    }

    /**
     * Records a refusal that an unauthenticated client can cause at will (a bad token, a bad secret, a
     * 429). Each event type has a budget per client ({@value #PER_CLIENT_PER_SECOND} a second) and in all
     * ({@value #PER_TYPE_PER_SECOND} a second), so a flood of garbage tokens from one address neither fills
     * the disk nor hides another address's guesses at the admin secret. What a budget refuses is counted
     * per type and client and written by {@link #flushDropped()} as one hash-chained summary event each:
     * nothing is dropped silently.
     */
    public void recordUnsolicited(Audit event, String client) {
        String who = client == null || client.isEmpty() ? "unknown" : client.length() > 128 ? client.substring(0, 128) : client;
        long second = clock.getAsLong() / 1000;
        synchronized (budgets) {
            TypeBudget type = types.computeIfAbsent(event.eventType(), t -> new TypeBudget());
            ClientBudget mine = budgets.computeIfAbsent(event.eventType() + "\n" + who, k -> new ClientBudget());
            if (type.second != second) {
                type.second = second;
                type.count = 0;
            }
            if (mine.second != second) {
                mine.second = second;
                mine.count = 0;
            }
            if (mine.count >= PER_CLIENT_PER_SECOND || type.count >= PER_TYPE_PER_SECOND) {
                mine.dropped++;
                droppedTotal++;
                return;
            }
            mine.count++;
            type.count++;
        }
        try {
            recordNow(event.detail(event.detail().isEmpty() ? "client=" + who : event.detail() + " client=" + who));
        } catch (RuntimeException e) {
            // Not written (the writer is overloaded, say): counted, so the next summary says so.
            synchronized (budgets) {
                budgets.computeIfAbsent(event.eventType() + "\n" + who, k -> new ClientBudget()).dropped++;
                droppedTotal++;
            }
            throw e;
        }
    }

    /**
     * Writes, in one transaction, a summary event for every (type, client) whose refusals a budget kept
     * out of the log since the last call: "N refusals of type T from P not recorded one by one". Called
     * every few seconds by the broker's housekeeping. Returns how many summaries it wrote.
     */
    public int flushDropped() {
        List<Audit> summaries = new ArrayList<>();
        java.util.Map<String, Long> snapshot = new java.util.HashMap<>();
        synchronized (budgets) {
            budgets.forEach((key, budget) -> {
                if (budget.dropped > 0) {
                    snapshot.put(key, budget.dropped);
                    int split = key.indexOf('\n');
                    summaries.add(summary(key.substring(0, split), budget.dropped, "client=" + key.substring(split + 1)));
                    budget.dropped = 0;
                }
            });
            evicted.forEach((type, n) -> {
                summaries.add(summary(type, n, "clients=others"));
                snapshot.put(type + "\n", n);
            });
            evicted.clear();
        }
        if (!summaries.isEmpty()) {
            try {
                db.write(tx -> {
                    for (Audit a : summaries) {
                        record(tx, a);
                    }
                    return null;
                });
            } catch (RuntimeException e) {
                restore(snapshot);
                throw e;
            }
        }
        return summaries.size();
    }

    /** Puts back the counts of a flush that could not be written, for the next one. */
    private void restore(java.util.Map<String, Long> counts) {
        synchronized (budgets) {
            counts.forEach((key, n) -> {
                if (key.endsWith("\n")) {
                    evicted.merge(key.substring(0, key.length() - 1), n, Long::sum);
                } else {
                    budgets.computeIfAbsent(key, k -> new ClientBudget()).dropped += n;
                }
            });
        }
    }

    private static Audit summary(String type, long dropped, String from) {
        return Audit.denied(type, "summary: " + dropped + " refusals of type " + type + " from " + from
                + " not recorded one by one (over the audit budget)");
    }

    /** Unsolicited refusals kept out of the log one by one (each is in a summary event). */
    public long dropped() {
        synchronized (budgets) {
            return droppedTotal;
        }
    }

    /** Events so far (ids run from 1 without gaps). */
    public long count() {
        return committed.id();
    }

    public Page query(Query q) {
        return db.read(tx -> store.page(tx, q));
    }

    /** Recomputes the whole chain from the stored strings. */
    public Verification verify() {
        return db.read(tx -> {
            var walk = new Object() {
                String prev = AuditEvent.GENESIS;
                long count;
                Long broken;
            };
            store.scan(tx, e -> {
                if (e.id() != walk.count + 1 || !e.intact(walk.prev)) {
                    walk.broken = e.id();
                    return false;
                }
                walk.prev = e.hash();
                walk.count++;
                return true;
            });
            return new Verification(walk.broken == null, walk.count, walk.prev, walk.broken);
        });
    }

    /** The latest event, if any. */
    public Optional<String> headHash() {
        Head h = committed;
        return h.id() == 0 ? Optional.empty() : Optional.of(h.hash());
    }
}
