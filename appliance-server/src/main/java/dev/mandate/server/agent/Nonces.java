package dev.mandate.server.agent;

import dev.mandate.server.error.Refusal;
import dev.mandate.server.storage.Database;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Registration challenges that cost the broker nothing until they are spent. A nonce is 32 bytes (64 hex):
 * its expiry (8 bytes, epoch millis), 8 random bytes, and the first 16 bytes of an HMAC-SHA256 of those
 * under the database's challenge key, so any node of a cluster accepts a challenge another issued, and
 * one issued before a restart stays good for its 30 s. Issuing stores nothing; a nonce is remembered only
 * once spent, until it expires, so a flood of challenges cannot crowd out real agents.
 *
 * <p>Spending is decided in the registration's transaction ({@link #spend}), where every node's spends
 * are seen. {@link #unspentHere} before it is this node's hint: it refuses a nonce replayed here without a
 * database round trip, and bounds what this node remembers (reaching the bound takes more spends in 30 s
 * than the broker can serve).
 */
public final class Nonces {

    public static final int LIFETIME_SECONDS = 30;
    /** How far the clocks of a cluster's nodes may disagree without reopening a spent nonce: 1 minute. */
    public static final long CLOCK_MARGIN_MILLIS = 60_000;
    private static final int MAC_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final JdbcNonceStore STORE = new JdbcNonceStore();

    /** Keyed once at start; never used directly, only cloned (a Mac is not thread-safe). */
    private final Mac keyed;
    private final Map<Long, Long> spent = new ConcurrentHashMap<>();
    private final int maxSpent;
    private final LongSupplier millis;

    /** Challenges under the key the database holds, made by the first broker that starts on it. */
    public static Nonces shared(Database db, int maxSpent, LongSupplier millisClock) {
        byte[] candidate = new byte[32];
        RANDOM.nextBytes(candidate);
        String key = db.write(tx -> STORE.key(tx, HexFormat.of().formatHex(candidate)));
        return new Nonces(HexFormat.of().parseHex(key), maxSpent, millisClock);
    }

    public Nonces(byte[] key, int maxSpent, LongSupplier millisClock) {
        this.maxSpent = maxSpent;
        this.millis = millisClock;
        try {
            keyed = Mac.getInstance("HmacSHA256");
            keyed.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    public String issue() {
        ByteBuffer nonce = ByteBuffer.allocate(32);
        nonce.putLong(millis.getAsLong() + LIFETIME_SECONDS * 1000L).putLong(RANDOM.nextLong());
        nonce.put(mac(nonce.array()));
        return HexFormat.of().formatHex(nonce.array());
    }

    /** A nonce this broker's key made, read once: its expiry (epoch millis) and random id. */
    public record Nonce(long expires, long id) {
    }

    /**
     * This node's hint, before the registration's transaction: the nonce, read and checked once (this broker's
     * key made it, it is fresh), unless this node saw it spent; empty for anything else. 429 when this node
     * remembers too many.
     */
    public Optional<Nonce> unspentHere(String hex) {
        Optional<Nonce> nonce = parse(hex);
        if (nonce.isEmpty()) {
            return nonce;
        }
        if (spent.size() >= maxSpent) {
            long now = millis.getAsLong();
            spent.values().removeIf(e -> e <= now);
            if (spent.size() >= maxSpent) {
                throw Refusal.rateLimited(LIFETIME_SECONDS);
            }
        }
        return spent.containsKey(nonce.get().id()) ? Optional.empty() : nonce;
    }

    /** Remembers on this node that the nonce was spent (the attempt was decided, whatever its outcome). */
    public void spentHere(Nonce nonce) {
        spent.put(nonce.id(), nonce.expires());
    }

    /**
     * Spends the nonce for the whole cluster in {@code tx}, the registration's transaction; false if it expired
     * while the registration waited, or was spent before, on any node.
     */
    public boolean spend(Database.Tx tx, Nonce nonce) {
        return nonce.expires() > millis.getAsLong() && STORE.spend(tx, nonce.id(), nonce.expires());
    }

    /**
     * Forgets, here and in the database, spent nonces that have expired anyway; returns how many the database
     * held. The database keeps them {@link #CLOCK_MARGIN_MILLIS} longer, for nodes whose clocks run behind.
     */
    public int prune(Database db) {
        prune();
        long before = millis.getAsLong() - CLOCK_MARGIN_MILLIS;
        return db.write(tx -> STORE.prune(tx, before));
    }

    /** A nonce's expiry and random id if this broker's key made it and it has not expired. */
    private Optional<Nonce> parse(String hex) {
        byte[] nonce;
        try {
            nonce = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (nonce.length != 32 || !MessageDigest.isEqual(mac(nonce), java.util.Arrays.copyOfRange(nonce, 16, 32))) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(nonce);
        Nonce parsed = new Nonce(b.getLong(), b.getLong());
        // Unexpired, and no later than a nonce issued now could be (plus the margin between nodes' clocks):
        // a nonce made with the key outside a broker can be no more use than one asked of the broker.
        long now = millis.getAsLong();
        boolean fresh = parsed.expires() > now && parsed.expires() <= now + LIFETIME_SECONDS * 1000L + CLOCK_MARGIN_MILLIS;
        return fresh ? Optional.of(parsed) : Optional.empty();
    }

    /** Spent nonces remembered now (the only state challenges leave). */
    public int spentCount() {
        return spent.size();
    }

    /** Forgets spent nonces that have expired anyway (they can no longer be presented). */
    public void prune() {
        long now = millis.getAsLong();
        spent.values().removeIf(e -> e <= now);
    }

    private byte[] mac(byte[] nonce) {
        try {
            // A clone of the keyed prototype: cheaper than looking up and keying a new Mac on every challenge.
            Mac hmac = (Mac) keyed.clone();
            hmac.update(nonce, 0, 16);
            return java.util.Arrays.copyOf(hmac.doFinal(), MAC_BYTES);
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("HmacSHA256 cannot be cloned", e);
        }
    }
}
