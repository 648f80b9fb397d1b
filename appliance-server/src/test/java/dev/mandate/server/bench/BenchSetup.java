package dev.mandate.server.bench;

import dev.mandate.hsm.SoftHsmProvisioner;
import dev.mandate.server.Settings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/** What the benchmarks share: a provisioned SoftHSM token, broker settings without rate limits, a load loop. */
final class BenchSetup {

    static final String ADMIN_SECRET = "bench-admin-secret-4e1f9a7c2b";

    interface Call {
        void run() throws Exception;
    }

    private BenchSetup() {
    }

    /** The bench token under {@code dir/hsm} (SOFTHSM2_CONF must point there, as the bench profile sets it). */
    static SoftHsmProvisioner.Token token(Path dir) {
        return new SoftHsmProvisioner().provision(dir.resolve("hsm"), "mandate-bench");
    }

    /** A broker on a random port with a fresh database and registration limits lifted. */
    static Settings settings(SoftHsmProvisioner.Token token) throws IOException {
        return Settings.load(environment(token));
    }

    /** The environment of {@link #settings}: for a broker started in this process or in a child process. */
    static Map<String, String> environment(SoftHsmProvisioner.Token token) throws IOException {
        Path data = Files.createTempDirectory("mandate-bench");
        Path limits = data.resolve("bench.yaml");
        Files.writeString(limits, """
                secrets:
                  bcrypt-cost: 4
                rate-limits:
                  challenge: { rate: 1000000, period: PT1S, burst: 1000000 }
                  register: { rate: 1000000, period: PT1S, burst: 1000000 }
                """);
        return Map.of(
                "MANDATE_DATA_DIR", data.toString(), "MANDATE_PORT", "0", "MANDATE_ISSUER", "http://bench",
                "MANDATE_ADMIN_SECRET", ADMIN_SECRET, "MANDATE_CONFIG", limits.toString(),
                "MANDATE_HSM_PIN_FILE", token.config().pinFile().toString(),
                "SOFTHSM2_CONF", token.config().softHsmConf().toString());
    }

    /** Runs {@code call} from {@code threads} virtual threads until {@code count} calls or {@code millis}; returns calls done. */
    static long run(int threads, long count, long millis, Call call) throws Exception {
        AtomicLong started = new AtomicLong();
        AtomicLong done = new AtomicLong();
        long deadline = System.nanoTime() + millis * 1_000_000;
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    while (System.nanoTime() < deadline && started.incrementAndGet() <= count) {
                        call.run();
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        return done.get();
    }
}
