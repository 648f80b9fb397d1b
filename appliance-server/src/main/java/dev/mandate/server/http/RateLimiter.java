package dev.mandate.server.http;

import dev.mandate.server.error.Refusal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token buckets per key (client IP or client id), {@code rate} tokens per {@code period}, holding at
 * most {@code burst}. Memory is bounded: beyond {@code maxKeys} the least recently seen key is
 * forgotten (it starts again with a full bucket, which only ever errs towards the legitimate client).
 */
public final class RateLimiter {

    private final String name;
    private final java.util.function.BiConsumer<String, String> onRefused;
    private final double tokensPerNano;
    private final double burst;
    private final int maxKeys;
    private final Map<String, Bucket> buckets;

    private static final class Bucket {
        double tokens;
        long updatedNanos;
    }

    public RateLimiter(long rate, Duration period, long burst, int maxKeys) {
        this("limiter", rate, period, burst, maxKeys, (n, k) -> { });
    }

    /** {@code onRefused} hears (limiter name, key) of every refusal, e.g. to audit it. */
    public RateLimiter(String name, long rate, Duration period, long burst, int maxKeys,
                       java.util.function.BiConsumer<String, String> onRefused) {
        this.name = name;
        this.onRefused = onRefused;
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
        double waitNanos;
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
            waitNanos = (1 - b.tokens) / tokensPerNano;
        }
        onRefused.accept(name, key);
        throw Refusal.rateLimited((long) Math.ceil(waitNanos / 1e9));
    }

    /** How many keys are remembered now (bounded by maxKeys). */
    public int size() {
        synchronized (buckets) {
            return buckets.size();
        }
    }
}
