package dev.mandate.console;

import dev.mandate.server.TestBroker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Registrations streamed into a broker from a process of its own ({@code url count threads}), so that the
 * console benchmark's load is neither on the console's CPU budget's JVM nor in its heap. Prints the time taken.
 */
public final class RegistrationLoad {

    private RegistrationLoad() {
    }

    public static void main(String[] args) throws Exception {
        TestBroker broker = TestBroker.remote(args[0]);
        int count = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        String admin = broker.adminToken();
        String launch = broker.launchToken(admin, "[\"read:data:*\"]", "\"single_use\":false,\"ttl\":3600,\"max_ttl\":3600");
        var keys = TestBroker.ed25519();
        AtomicInteger n = new AtomicInteger();
        long t = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int w = 0; w < threads; w++) {
                workers.add(pool.submit(() -> {
                    for (int i = n.getAndIncrement(); i < count; i = n.getAndIncrement()) {
                        var r = broker.post("/v1/register", TestBroker.registration(launch, broker.nonce(), keys,
                                "bench", "streamed-" + i, "[\"read:data:x\"]"), null);
                        if (r.status() != 200) {
                            throw new IllegalStateException(r.toString());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        }
        System.out.printf("streamed %,d registrations in %.1f s%n", count, (System.nanoTime() - t) / 1e9);
    }
}
