package dev.mandate.server.bench;

import dev.mandate.server.Main;
import dev.mandate.server.Settings;
import dev.mandate.server.TestBroker;
import dev.mandate.server.revocation.Revocations;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Issue 4's targets: validate throughput with 0 and with 100,000 revocation entries (target: less than
 * 10 % apart), and revoking a chain with 10,000 live descendants (target: under 50 ms, every
 * descendant refused right after). Run with {@code ./mandate bench}.
 */
public final class RevocationBenchmark {

    private static final int CLIENTS = 16;
    private static final int ROUNDS = 5;
    private static final long ROUND_MS = 2000;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/bench-broker");
        Settings settings = BenchSetup.settings(BenchSetup.token(dir));

        try (Main.Broker broker = Main.start(settings, Clock.systemUTC())) {
            TestBroker api = TestBroker.remote("http://127.0.0.1:" + broker.port());
            String admin = api.post("/v1/admin/auth", "{\"secret\":\"" + BenchSetup.ADMIN_SECRET + "\"}", null).json().getString("access_token");
            System.out.printf("Mandate revocation benchmark: %d cores%n", Runtime.getRuntime().availableProcessors());

            // A depth-3 delegated token: the check looks at its own jti, subject, task, root and 3 ancestors.
            var a = api.registerAgent(admin, "bench", "v-a", "[\"read:data:*\"]");
            var b = api.registerAgent(admin, "bench", "v-b", "[\"read:data:*\"]");
            var c = api.registerAgent(admin, "bench", "v-c", "[\"read:data:*\"]");
            var d = api.registerAgent(admin, "bench", "v-d", "[\"read:data:*\"]");
            String deep = api.delegated(api.delegated(api.delegated(a.token(), b.agentId(), "[\"read:data:*\"]"),
                    c.agentId(), "[\"read:data:*\"]"), d.agentId(), "[\"read:data:x\"]");
            var http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
            var validate = java.net.http.HttpRequest.newBuilder(java.net.URI.create(api.url() + "/v1/token/validate"))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"token\":\"" + deep + "\"}")).build();
            BenchSetup.Call overHttp = () -> {
                var r = http.send(validate, java.net.http.HttpResponse.BodyHandlers.ofString());
                if (!r.body().startsWith("{\"valid\":true")) {
                    throw new IllegalStateException(r.body());
                }
            };
            double keysFew = keysListMillis(api, admin);   // the key list's baseline: a handful of live tokens
            run(CLIENTS, Long.MAX_VALUE, 8000, overHttp);   // warm the server's JIT before the baseline
            double[] httpEmpty = rounds(overHttp);
            double[] localEmpty = rounds(() -> broker.verifier().verify(deep).orElseThrow());

            long start = System.nanoTime();
            long expires = Clock.systemUTC().instant().getEpochSecond() + 3600;
            Revocations.Level[] levels = {Revocations.Level.TOKEN, Revocations.Level.AGENT, Revocations.Level.TASK,
                    Revocations.Level.CHAIN};
            for (int batch = 0; batch < 10; batch++) {
                int base = batch * 10_000;
                broker.db().write(tx -> {
                    for (int i = base; i < base + 10_000; i++) {
                        Revocations.Level level = levels[i % levels.length];
                        String target = level == Revocations.Level.TOKEN ? String.format("%032x", i)
                                : "spiffe://mandate.local/agent/o/t/" + String.format("%016x", i);
                        broker.revocations().add(tx, level, target, expires);
                    }
                    return null;
                });
            }
            System.out.printf("wrote 100,000 revocation entries in %d ms (%d in force)%n",
                    (System.nanoTime() - start) / 1_000_000, broker.revocations().size());
            if (!api.valid(deep)) {
                throw new IllegalStateException("the unrelated token must still validate");
            }
            double[] httpFull = rounds(overHttp);
            double[] localFull = rounds(() -> broker.verifier().verify(deep).orElseThrow());

            System.out.printf("%-44s %14s %14s %8s%n", "validate (depth-3 token), median of " + ROUNDS, "0 entries/s",
                    "100k entries/s", "ratio");
            System.out.printf("%-44s %14.0f %14.0f %8.3f%n", "over HTTP (" + CLIENTS + " clients)", median(httpEmpty),
                    median(httpFull), median(httpFull) / median(httpEmpty));
            System.out.printf("%-44s %14.0f %14.0f %8.3f%n", "in process (the check itself, 2 threads)",
                    median(localEmpty), median(localFull), median(localFull) / median(localEmpty));

            // A chain with 10,000 live descendants of the root's token.
            var root = api.registerAgent(admin, "bench", "chain-root", "[\"read:data:*\"]");
            var holder = api.registerAgent(admin, "bench", "chain-holder", "[\"read:data:*\"]");
            ConcurrentLinkedQueue<String> descendants = new ConcurrentLinkedQueue<>();
            long built = System.nanoTime();
            run(CLIENTS, 10_000, () -> descendants.add(api.delegated(root.token(), holder.agentId(), "[\"read:data:x\"]")));
            System.out.printf("delegated %d tokens from the root in %.1f s%n", descendants.size(), (System.nanoTime() - built) / 1e9);
            // The operator's key list counts, for each key, the live tokens revoking it would kill: the walk a key
            // revocation makes in its transaction. Against the same list with a handful of tokens, measured first.
            double keysMany = keysListMillis(api, admin);
            System.out.printf("GET /v1/admin/keys (what revoking each key kills), median of 5: %.1f ms with %,d live tokens, "
                    + "%.1f ms with a handful (ratio %.1f)%n", keysMany, descendants.size(), keysFew, keysMany / keysFew);

            // Warm the revocation path (JIT) on small trees first: the figure is the steady state.
            for (int i = 0; i < 20; i++) {
                var warm = api.registerAgent(admin, "bench", "warm-" + i, "[\"read:data:*\"]");
                for (int j = 0; j < 50; j++) {
                    api.delegated(warm.token(), holder.agentId(), "[\"read:data:x\"]");
                }
                api.revoke(admin, "chain", warm.agentId());
            }
            long t0 = System.nanoTime();
            var revoked = api.revoke(admin, "chain", root.agentId());
            long revokeMicros = (System.nanoTime() - t0) / 1000;
            int count = revoked.json().getInt("count");
            long stillValid = descendants.stream().filter(t -> broker.verifier().verify(t).isPresent()).count();
            long httpValid = descendants.stream().limit(200).filter(api::valid).count();
            System.out.printf("revoke chain: %.1f ms over HTTP, count=%d; afterwards %d of %d descendants verify"
                    + " (in process), %d of 200 validate over HTTP; target < 50 ms%n",
                    revokeMicros / 1000.0, count, stillValid, descendants.size(), httpValid);
        }
    }

    /** The median of 5 answers to GET /v1/admin/keys, after 2 unmeasured ones, in ms. */
    private static double keysListMillis(TestBroker api, String admin) {
        double[] ms = new double[5];
        for (int i = -2; i < ms.length; i++) {
            long t = System.nanoTime();
            var r = api.get("/v1/admin/keys", admin);
            if (r.status() != 200) {
                throw new IllegalStateException("keys: " + r);
            }
            if (i >= 0) {
                ms[i] = (System.nanoTime() - t) / 1e6;
            }
        }
        return median(ms);
    }

    private static double[] rounds(BenchSetup.Call call) throws Exception {
        run(CLIENTS, Long.MAX_VALUE, ROUND_MS, call);
        double[] rates = new double[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            rates[i] = run(CLIENTS, Long.MAX_VALUE, ROUND_MS, call) * 1000.0 / ROUND_MS;
        }
        return rates;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void run(int threads, long count, BenchSetup.Call call) throws Exception {
        BenchSetup.run(threads, count, 600_000, call);
    }

    private static long run(int threads, long count, long millis, BenchSetup.Call call) throws Exception {
        return BenchSetup.run(threads, count, millis, call);
    }
}
