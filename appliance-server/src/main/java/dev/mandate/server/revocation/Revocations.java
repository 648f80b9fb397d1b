package dev.mandate.server.revocation;

import dev.mandate.server.claims.Lineage;
import dev.mandate.server.storage.Database;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** The revocation entries in force, in memory and in H2. */
public final class Revocations {

    /**
     * What an entry matches. {@code TOKEN}: that jti and every token delegated from it;
     * {@code SUPERSEDED}: that jti only (renewal); {@code AGENT}: tokens whose subject or any ancestor
     * is the agent; {@code TASK}: tokens of the task; {@code CHAIN}: every token of the tree rooted at
     * the agent.
     */
    public enum Level {
        TOKEN, SUPERSEDED, AGENT, TASK, CHAIN;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Database db;
    private final JdbcRevocationStore store = new JdbcRevocationStore();
    private final LongSupplier epochSeconds;
    /** Validation accepts a token up to token.clock-leeway past its exp: entries are kept that much longer. */
    private final long graceSeconds;
    private final Map<Level, Map<String, Long>> entries = new EnumMap<>(Level.class);
    /** The highest entry number in memory (entries are numbered in commit order: see {@link Database}). */
    private long loadedSeq;   // guarded by this

    public Revocations(Database db, LongSupplier epochSeconds, java.time.Duration clockLeeway) {
        this.graceSeconds = clockLeeway.toSeconds();
        this.db = db;
        this.epochSeconds = epochSeconds;
        for (Level level : Level.values()) {
            entries.put(level, new ConcurrentHashMap<>());
        }
        load();
    }

    /** True when an entry matches the token (O(depth) look-ups, whatever the number of entries). */
    public boolean isRevoked(Lineage t) {
        Map<String, Long> tokens = entries.get(Level.TOKEN);
        Map<String, Long> agents = entries.get(Level.AGENT);
        if (tokens.containsKey(t.jti()) || entries.get(Level.SUPERSEDED).containsKey(t.jti())
                || agents.containsKey(t.subject()) || entries.get(Level.CHAIN).containsKey(t.rootAgent())
                || (!t.taskId().isEmpty() && entries.get(Level.TASK).containsKey(t.taskId()))) {
            return true;
        }
        for (int i = 0; i < t.depth(); i++) {
            if (tokens.containsKey(t.ancestorJti(i)) || agents.containsKey(t.ancestorAgent(i))) {
                return true;
            }
        }
        return false;
    }

    /** True while an entry for {@code target} at {@code level} is in force. */
    public boolean contains(Level level, String target) {
        Long expires = entries.get(level).get(target);
        return expires != null && expires + graceSeconds > epochSeconds.getAsLong();
    }

    /** Writes an entry in {@code tx}; it takes effect in memory when {@code tx} commits. Returns its seq. */
    public long add(Database.Tx tx, Level level, String target, long expiresAt) {
        long seq = store.insert(tx, level.wire(), target, epochSeconds.getAsLong(), expiresAt);
        tx.apply(() -> entries.get(level).merge(target, expiresAt, Math::max));
        tx.propagate();
        return seq;
    }

    /** Removes the entries that can no longer match a live token; returns how many. */
    public int prune() {
        long now = epochSeconds.getAsLong() - graceSeconds;
        int removed = db.write(tx -> store.deleteExpired(tx, now));
        entries.values().forEach(m -> m.values().removeIf(expires -> expires <= now));
        return removed;
    }

    /** Entries in force, all levels together. */
    public int size() {
        return entries.values().stream().mapToInt(Map::size).sum();
    }

    private synchronized void load() {
        long now = epochSeconds.getAsLong() - graceSeconds;
        db.read(tx -> {
            // The number first: the entries read after it include every entry up to it.
            loadedSeq = store.latest(tx);
            store.inForce(tx, now).forEach(e -> merge(e.level(), e.target(), e.expiresAt()));
            return null;
        });
    }

    /**
     * In {@code tx}: brings memory up to every entry committed since the last call (another node's
     * revocations, on a shared database). Entries arrive in commit order, so none is skipped.
     */
    public synchronized void catchUp(Database.Tx tx) {
        for (var e : store.feed(tx, loadedSeq, Integer.MAX_VALUE)) {
            merge(e.level(), e.target(), e.expiresAt());
            loadedSeq = e.seq();
        }
    }

    private void merge(String level, String target, long expiresAt) {
        entries.get(Level.valueOf(level.toUpperCase(Locale.ROOT))).merge(target, expiresAt, Math::max);
    }
}
