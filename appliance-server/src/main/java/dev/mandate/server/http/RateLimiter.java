package dev.mandate.server.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mandate.server.error.Refusal;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * Token buckets per key (client address or client id): {@code rate} tokens per {@code period}, holding
 * at most {@code burst}, a new key starting full. Bucket4j does the bucket arithmetic; the buckets live in
 * a Caffeine cache of at most {@code maxKeys}, so memory is bounded whatever the number of keys. Its
 * admission policy keeps keys seen often over keys seen once, so a flood of one-off keys cannot push a
 * busy client's (or an attacker's own) bucket out; a forgotten key starts again full, which only ever
 * errs towards the client.
 */
public final class RateLimiter {

    private final String name;
    private final BiConsumer<String, String> onRefused;
    private final Bandwidth limit;
    private final Cache<String, Bucket> buckets;

    public RateLimiter(long rate, Duration period, long burst, int maxKeys) {
        this("limiter", rate, period, burst, maxKeys, (n, k) -> { });
    }

    /** {@code onRefused} hears (limiter name, key) of every refusal, e.g. to audit it. */
    public RateLimiter(String name, long rate, Duration period, long burst, int maxKeys, BiConsumer<String, String> onRefused) {
        if (rate <= 0 || burst <= 0 || period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("rate, burst and period must be positive");
        }
        this.name = name;
        this.onRefused = onRefused;
        this.limit = Bandwidth.builder().capacity(burst).refillGreedy(rate, period).build();
        this.buckets = Caffeine.newBuilder().maximumSize(maxKeys).executor(Runnable::run).build();
    }

    /** Takes one token for {@code key}, or throws 429 with the seconds until one is available. */
    public void acquire(String key) {
        ConsumptionProbe probe = buckets.get(key, k -> Bucket.builder().addLimit(limit).build()).tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return;
        }
        onRefused.accept(name, key);
        throw Refusal.rateLimited((long) Math.ceil(probe.getNanosToWaitForRefill() / 1e9));
    }

    /** How many keys are remembered now (at most maxKeys). */
    public int size() {
        buckets.cleanUp();
        return (int) buckets.estimatedSize();
    }
}
