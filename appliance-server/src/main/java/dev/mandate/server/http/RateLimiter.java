package dev.mandate.server.http;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token buckets per key (client IP or client id), {@code rate} tokens per {@code period}, holding at
 * most {@code burst}. Memory is bounded: beyond {@code maxKeys} the least recently seen key is
 * forgotten (it starts again with a full bucket, which only ever errs towards the legitimate client).
 */
public final class RateLimiter {

    private final double tokensPerNano;
    private final double burst;
    private final int maxKeys;
    private final Map<String, Bucket> buckets;

    private static final class Bucket {
        double tokens;
        long updatedNanos;
    }

    public RateLimiter(long rate, Duration period, long burst, int maxKeys) {
        if (rate <= 0 || burst <= 0 || period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("rate, burst and period must be positive");
        }
        this.tokensPerNano = (double) rate / period.toNanos();
        this.burst = burst;
        this.maxKeys = maxKeys;
        this.buckets = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > RateLimiter.this.maxKeys;
            }
        };
    }

    /** Takes one token for {@code key}, or throws 429 with the seconds until one is available. */
    public void acquire(String key) {
        long now = System.nanoTime();
        synchronized (buckets) {
            Bucket b = buckets.computeIfAbsent(key, k -> {
                Bucket fresh = new Bucket();
                fresh.tokens = burst;
                fresh.updatedNanos = now;
                return fresh;
            });
            b.tokens = Math.min(burst, b.tokens + (now - b.updatedNanos) * tokensPerNano);
            b.updatedNanos = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return;
            }
            double waitNanos = (1 - b.tokens) / tokensPerNano;
            throw ApiException.rateLimited((long) Math.ceil(waitNanos / 1e9));
        }
    }

    /** How many keys are remembered now (bounded by maxKeys). */
    public int size() {
        synchronized (buckets) {
            return buckets.size();
        }
    }
}
