package dev.mandate.server.admin;

import dev.mandate.server.error.Refusal;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * bcrypt (Bouncy Castle) for the secrets the broker must recognise but never keep. Checks are the one
 * thing an unauthenticated caller can make expensive, so at most half the processors run them at once
 * (at least one): a flood of guesses from many addresses queues here, briefly, then gets a 429, and the
 * other half of the machine keeps serving agents.
 */
public final class SecretHash {

    private static final int CONCURRENT_CHECKS = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    /** How long a check may wait for its turn before the caller is told to come back. */
    private static final long QUEUE_MILLIS = 250;

    private static final SecureRandom RANDOM = new SecureRandom();
    /** bcrypt reads at most 72 bytes; longer secrets are refused rather than silently truncated. */
    public static final int MAX_SECRET_BYTES = 72;

    private final int cost;
    private final String decoy;
    private final java.util.concurrent.Semaphore checks = new java.util.concurrent.Semaphore(CONCURRENT_CHECKS, true);

    public SecretHash(int cost) {
        if (cost < 4 || cost > 31) {
            throw new IllegalArgumentException("bcrypt cost must be 4 to 31");
        }
        this.cost = cost;
        this.decoy = hash(newSecret());
    }

    /** A new random secret: 32 bytes, base64url (43 characters). */
    public static String newSecret() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    public String hash(String secret) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return OpenBSDBCrypt.generate("2b", secret.toCharArray(), salt, cost);
    }

    /**
     * Constant work whether or not there is a stored hash: an unknown client id costs a bcrypt too. When
     * every check slot stays busy for {@value #QUEUE_MILLIS} ms, 429 with {@code Retry-After: 1}.
     */
    public boolean matches(String secret, String storedHash) {
        try {
            if (!checks.tryAcquire(QUEUE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw Refusal.rateLimited(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Refusal.rateLimited(1);
        }
        try {
            return check(secret, storedHash);
        } finally {
            checks.release();
        }
    }

    private boolean check(String secret, String storedHash) {
        // A lone surrogate (JSON can spell one) has no UTF-8 form: bcrypt would throw, so it is a wrong secret.
        if (secret == null || !wellFormed(secret)
                || secret.getBytes(StandardCharsets.UTF_8).length > MAX_SECRET_BYTES) {
            OpenBSDBCrypt.checkPassword(decoy, "x".toCharArray());
            return false;
        }
        if (storedHash == null) {
            OpenBSDBCrypt.checkPassword(decoy, secret.toCharArray());
            return false;
        }
        return OpenBSDBCrypt.checkPassword(storedHash, secret.toCharArray());
    }

    /** True when every surrogate in {@code s} is half of a pair: the string has a UTF-8 form. */
    private static boolean wellFormed(String s) {
        return s.codePoints().noneMatch(cp -> cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE);
    }
}
