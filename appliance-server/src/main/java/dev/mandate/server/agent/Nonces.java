package dev.mandate.server.agent;

import dev.mandate.server.http.ApiException;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Registration challenges: 32 random bytes as 64 hex, valid 30 s, used once. Held in memory only (a
 * restart just makes agents ask again), bounded: when full, expired nonces go first, then 429.
 */
public final class Nonces {

    public static final int LIFETIME_SECONDS = 30;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Long> expiries = new ConcurrentHashMap<>();
    private final int maxOutstanding;
    private final LongSupplier millis;

    public Nonces(int maxOutstanding, LongSupplier millisClock) {
        this.maxOutstanding = maxOutstanding;
        this.millis = millisClock;
    }

    public String issue() {
        long now = millis.getAsLong();
        if (expiries.size() >= maxOutstanding) {
            expiries.values().removeIf(expires -> expires <= now);
            if (expiries.size() >= maxOutstanding) {
                throw ApiException.rateLimited(LIFETIME_SECONDS);
            }
        }
        byte[] nonce = new byte[32];
        RANDOM.nextBytes(nonce);
        String hex = HexFormat.of().formatHex(nonce);
        expiries.put(hex, now + LIFETIME_SECONDS * 1000L);
        return hex;
    }

    /** True (once) for a nonce this broker issued less than 30 s ago. */
    public boolean consume(String nonce) {
        Long expires = expiries.remove(nonce);
        return expires != null && expires > millis.getAsLong();
    }
}
