package dev.mandate.server.agent;

import dev.mandate.server.error.Refusal;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Registration challenges that cost the broker nothing until they are spent. A nonce is 32 bytes (64 hex):
 * its expiry (8 bytes, epoch millis), 8 random bytes, and the first 16 bytes of an HMAC-SHA256 of those
 * under a key made at start (so a restart only makes agents ask again). Issuing stores nothing; a nonce is
 * remembered only once spent, until it expires, so a flood of challenges cannot crowd out real agents.
 * The spent set is bounded: reaching it takes more spends in 30 s than the broker can serve.
 */
public final class Nonces {

    public static final int LIFETIME_SECONDS = 30;
    private static final int MAC_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Keyed once at start; never used directly, only cloned (a Mac is not thread-safe). */
    private final Mac keyed;
    private final Map<Long, Long> spent = new ConcurrentHashMap<>();
    private final int maxSpent;
    private final LongSupplier millis;

    public Nonces(int maxSpent, LongSupplier millisClock) {
        this.maxSpent = maxSpent;
        this.millis = millisClock;
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
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

    /** True (once) for an unexpired nonce this broker issued; any other string is false. */
    public boolean consume(String hex) {
        byte[] nonce;
        try {
            nonce = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (nonce.length != 32 || !MessageDigest.isEqual(mac(nonce), java.util.Arrays.copyOfRange(nonce, 16, 32))) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(nonce);
        long expires = b.getLong();
        long random = b.getLong();
        long now = millis.getAsLong();
        if (expires <= now) {
            return false;
        }
        if (spent.size() >= maxSpent) {
            spent.values().removeIf(e -> e <= now);
            if (spent.size() >= maxSpent) {
                throw Refusal.rateLimited(LIFETIME_SECONDS);
            }
        }
        return spent.putIfAbsent(random, expires) == null;
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
