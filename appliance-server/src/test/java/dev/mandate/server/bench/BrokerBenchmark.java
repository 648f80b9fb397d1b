package dev.mandate.server.bench;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.mandate.hsm.Hsm;
import dev.mandate.hsm.HsmSigner;
import dev.mandate.server.Main;
import dev.mandate.server.http.Json;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Broker throughput and latency, each figure next to a baseline measured in the same run (issue 13): the
 * raw HSM ES256 signing rate (1 and 2 threads), raw ES256 verification in the broker's own library
 * (Nimbus over Bouncy Castle, 2 threads), and an empty Helidon route driven by the same HTTP client. Run
 * with {@code ./mandate bench}. Client and server share the machine's cores, so the ratios matter more than
 * the absolute figures. The broker and the HTTP baseline each run in a child process; the client is
 * {@link LeanHttp} in this one, and each figure prints the client's share of the CPU that it and the server
 * used while it was measured. After the run the broker is restarted on 100,000 seeded live tokens, for the
 * memory and start-up targets with a full live-token index.
 */
public final class BrokerBenchmark {

    private static final int CLIENTS = 32;
    private static final int ISSUING_CLIENTS = 16;
    private static final Duration WARMUP = Duration.ofSeconds(2);
    private static final Duration MEASURE = Duration.ofSeconds(5);

    /** A measured scenario: its rate, and its latencies' p50 and p99 in milliseconds (NaN when not timed). */
    private record Figure(double rate, double p50, double p99) {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/bench-broker");
        var token = BenchSetup.token(dir);

        System.out.printf("Mandate broker benchmark: %d cores, %d concurrent clients (%d for issuing), %d s per figure%n",
                Runtime.getRuntime().availableProcessors(), CLIENTS, ISSUING_CLIENTS, MEASURE.toSeconds());

        double hsm1;
        double hsm2;
        try (Hsm h = Hsm.open(token.config())) {
            String label = "bench-" + System.currentTimeMillis();
            h.generateSigningKey(label);
            HsmSigner signer = h.signer(label, 4);
            hsm1 = rate(1, () -> signer.sign(new JWTClaimsSet.Builder().subject("bench").build()));
            hsm2 = rate(2, () -> signer.sign(new JWTClaimsSet.Builder().subject("bench").build()));
            h.destroy(label);
        }

        // The HTTP baseline runs in a process of its own too, driven by the same client as the broker.
        Measured emptyRoute;
        Measured emptyPost;
        try (Child empty = Child.start(EmptyRoute.class, Map.of()); LeanHttp http = new LeanHttp(empty.url)) {
            emptyRoute = measured(empty, () -> rate(CLIENTS, () -> expect(200, http.get("/empty"))));
            emptyPost = measured(empty, () -> rate(CLIENTS, () -> expect(200, http.post("/empty", "{\"token\":\"x\"}", null))));
        }

        // The broker runs in a process of its own, so its CPU, memory and start-up are its own. A first start
        // and stop writes the class-data archive, as an installed broker's first start does.
        if (BROKER_CLASSPATH.isPresent()) {
            java.nio.file.Files.deleteIfExists(CDS_ARCHIVE);
            try (Child first = Child.start(Main.class, BenchSetup.environment(token))) {
                System.out.printf("first start (writes the class-data archive): %.2f s%n", first.startSeconds);
            }
        } else {
            System.out.println("the broker's jar is not built (./mandate bench builds it): no class-data archive");
        }
        Map<String, String> environment = BenchSetup.environment(token);
        try (Child broker = Child.start(Main.class, environment, true); LeanHttp http = new LeanHttp(broker.url)) {
            double startSeconds = broker.startSeconds;
            long idleRss = broker.rssBytes();
            String admin = Json.parse(post(http, "/v1/admin/auth", "{\"secret\":\"" + BenchSetup.ADMIN_SECRET + "\"}", 200, null))
                    .getString("access_token");
            // Bouncy Castle signs Ed25519 several times faster than the JDK: the client should not be the bottleneck.
            var agentKey = new org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters(new java.security.SecureRandom());
            String publicKey = java.util.Base64.getEncoder().encodeToString(agentKey.generatePublicKey().getEncoded());

            // A full registration, as an orchestrator spawns an agent: a launch token, a challenge, the registration.
            ConcurrentLinkedQueue<String> fresh = new ConcurrentLinkedQueue<>();
            AtomicLong task = new AtomicLong();
            Measured registration = measured(broker, () -> timed(ISSUING_CLIENTS, () -> {
                String launch = Json.parse(post(http, "/v1/admin/launch-tokens", "{\"agent_name\":\"bench\",\"allowed_scope\":"
                        + "[\"read:data:*\"],\"ttl\":3600,\"max_ttl\":3600}", 201, admin)).getString("launch_token");
                String nonce = Json.parse(get(http, "/v1/challenge")).getString("nonce");
                var signer = new org.bouncycastle.crypto.signers.Ed25519Signer();
                signer.init(true, agentKey);
                byte[] message = java.util.HexFormat.of().parseHex(nonce);
                signer.update(message, 0, message.length);
                String body = "{\"launch_token\":\"" + launch + "\",\"nonce\":\"" + nonce + "\",\"public_key\":\"" + publicKey
                        + "\",\"signature\":\"" + java.util.Base64.getEncoder().encodeToString(signer.generateSignature())
                        + "\",\"orch_id\":\"bench\",\"task_id\":\"t" + task.incrementAndGet()
                        + "\",\"requested_scope\":[\"read:data:x\"]}";
                fresh.add(Json.parse(post(http, "/v1/register", body, 200, null)).getString("access_token"));
            }));

            if (System.getenv("MANDATE_BENCH_METRICS") != null) {
                get(http, "/v1/metrics").lines().filter(l -> l.startsWith("mandate_db") || l.startsWith("mandate_hsm")
                        || l.contains("register\"") && l.contains("_sum")).forEach(System.out::println);
            }
            String same = fresh.peek();
            String sameBody = "{\"token\":\"" + same + "\"}";
            Measured validateSame = measured(broker, () -> rate(CLIENTS,
                    () -> expectValid(post(http, "/v1/token/validate", sameBody, 200, null))));

            List<String> unseen = new ArrayList<>(fresh);
            unseen.remove(same);
            // Raw verification as the broker does it (Nimbus, Bouncy Castle, the ring's key), over tokens it never saw.
            var ring = new dev.mandate.server.keys.KeyRing();
            for (var jwk : com.nimbusds.jose.jwk.JWKSet.parse(get(http, "/.well-known/jwks.json")).getKeys()) {
                ring.add(jwk.toECKey());
            }
            List<com.nimbusds.jwt.SignedJWT> parsed = new ArrayList<>();
            for (String t : unseen) {
                parsed.add(com.nimbusds.jwt.SignedJWT.parse(t));
            }
            AtomicLong next = new AtomicLong();
            double rawVerify = rate(2, () -> {
                var jwt = com.nimbusds.jwt.SignedJWT.parse(parsed.get((int) (next.getAndIncrement() % parsed.size())).serialize());
                var verifier = ring.verifierFactory().createJWSVerifier(jwt.getHeader(),
                        ring.keySelector().selectJWSKeys(jwt.getHeader(), null).getFirst());
                if (!jwt.verify(verifier)) {
                    throw new IllegalStateException("a broker token did not verify");
                }
            });
            ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>(unseen);
            Measured validateFresh = measured(broker, () -> once(CLIENTS, queue.size(), () -> {
                String t = queue.poll();
                if (t != null) {
                    expectValid(post(http, "/v1/token/validate", "{\"token\":\"" + t + "\"}", 200, null));
                }
            }));

            // Renewal: each client renews the token it holds, again and again.
            ConcurrentLinkedQueue<String> held = new ConcurrentLinkedQueue<>(unseen);
            Measured renewal = measured(broker, () -> timed(ISSUING_CLIENTS, () -> {
                String t = held.poll();
                String renewed = Json.parse(post(http, "/v1/token/renew", "", 200, t)).getString("access_token");
                held.add(renewed);
            }));
            long afterRss = broker.rssBytes();

            System.out.printf("%-38s %10s %9s %9s %7s %7s  %s%n", "operation", "per second", "p50 ms", "p99 ms", "client",
                    "server", "baseline");
            row("raw HSM ES256 signing (1 thread)", new Measured(new Figure(hsm1, Double.NaN, Double.NaN), Double.NaN, Double.NaN), "");
            row("raw HSM ES256 signing (2 threads)", new Measured(new Figure(hsm2, Double.NaN, Double.NaN), Double.NaN, Double.NaN), "");
            row("raw ES256 verification (2 threads)", new Measured(new Figure(rawVerify, Double.NaN, Double.NaN), Double.NaN, Double.NaN), "");
            row("empty Helidon route (GET)", emptyRoute, "");
            row("empty Helidon JSON POST route", emptyPost, "");
            row("full registration (" + ISSUING_CLIENTS + " clients)", registration,
                    ratio(registration.rate(), hsm1, "raw HSM signing, 1 thread") + target(registration.rate() / hsm1 >= 0.25
                            && registration.figure().p99() < 25, "target >= 0.25 and p99 < 25 ms"));
            row("renewal (" + ISSUING_CLIENTS + " clients)", renewal,
                    ratio(renewal.rate(), hsm1, "raw HSM signing, 1 thread") + target(renewal.rate() / hsm1 >= 0.4
                            && renewal.figure().p99() < 15, "target >= 0.4 and p99 < 15 ms"));
            row("validate, fresh tokens (" + unseen.size() + ")", validateFresh,
                    ratio(validateFresh.rate(), rawVerify, "raw verification")
                            + target(validateFresh.rate() / rawVerify >= 0.8, "target >= 0.8"));
            row("validate, same token", validateSame,
                    ratio(validateSame.rate(), emptyPost.rate(), "empty JSON POST")
                            + target(validateSame.rate() / emptyPost.rate() >= 0.6, "target >= 0.6"));
            System.out.println("(client: the benchmark client's share of the CPU used by it and the server together;"
                    + " server: the cores the server kept busy, of " + Runtime.getRuntime().availableProcessors() + ")");
            System.out.printf("start to ready (JVM, HSM login, migrations, key ring, live tokens): %.2f s%s%n", startSeconds,
                    target(startSeconds < 2, "target < 2 s"));
            System.out.printf("broker RSS idle: %d MB%s; after the run (%d agents): %d MB%n", idleRss >> 20,
                    target(idleRss < 250L << 20, "target < 250 MB"), task.get(), afterRss >> 20);
        }

        // 100,000 live tokens: rows like the run's own tokens, seeded while the broker is down; it indexes them at start.
        Path data = Path.of(environment.get("MANDATE_DATA_DIR"));
        long seeded = seedLiveTokens(data, LIVE_TOKENS);
        try (Child broker = Child.start(Main.class, environment); LeanHttp http = new LeanHttp(broker.url)) {
            long readyRss = broker.rssBytes();
            var health = Json.parse(get(http, "/v1/health"));
            rate(CLIENTS, () -> expect(200, http.get("/v1/health")));
            long loadedRss = broker.rssBytes();
            System.out.printf("with %,d live tokens seeded: start to ready %.2f s; broker RSS %d MB at ready, %d MB after %d s of"
                    + " requests%s; health: %s%n", seeded, broker.startSeconds, readyRss >> 20, loadedRss >> 20,
                    (WARMUP.plus(MEASURE)).toSeconds(), target(Math.max(readyRss, loadedRss) < 600L << 20, "target < 600 MB"),
                    health.getString("status"));
        }
    }

    private static final int LIVE_TOKENS = 100_000;
    private static final String JAVA_OPTS = "-Xmx512m";
    private static final Path CDS_ARCHIVE = Path.of("target/bench-broker/broker.jsa").toAbsolutePath();
    /**
     * The broker's classpath as installed: its jar in place of its classes directory, no test classes (a
     * class-data archive is made from jars only). Empty when the jar is not built, or a directory remains.
     */
    private static final java.util.Optional<String> BROKER_CLASSPATH = brokerClasspath();

    private static java.util.Optional<String> brokerClasspath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            if (entry.endsWith("target/test-classes")) {
                continue;
            }
            if (java.nio.file.Files.isDirectory(path)) {
                // A module's classes (this one's, or hsm-config's in a reactor build): its jar instead.
                var jar = entry.endsWith("target/classes") ? moduleJar(path.getParent()) : java.util.Optional.<Path>empty();
                if (jar.isEmpty()) {
                    return java.util.Optional.empty();
                }
                entries.add(jar.get().toAbsolutePath().toString());
            } else {
                entries.add(entry);
            }
        }
        return java.util.Optional.of(String.join(java.io.File.pathSeparator, entries));
    }

    /** The jar a module's build made in {@code target} (not its tests or sources jar). */
    private static java.util.Optional<Path> moduleJar(Path target) {
        try (var files = java.nio.file.Files.list(target)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar"))
                    .filter(f -> !f.getFileName().toString().matches(".*-(tests|sources|javadoc)\\.jar")).findFirst();
        } catch (java.io.IOException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * Copies one of the broker's own token rows {@code count} times, each with a new jti, its own subject and
     * root agent, active and an hour from expiry: what the live-token index holds for {@code count} agents.
     */
    private static long seedLiveTokens(Path data, int count) throws java.sql.SQLException {
        String url = "jdbc:h2:file:" + data.toAbsolutePath().resolve("mandate");
        try (var c = java.sql.DriverManager.getConnection(url, "mandate", "");
             var s = c.prepareStatement("""
                     INSERT INTO tokens (jti, kind, sub, task_id, orch_id, scope, issued_at, expires_at, parent_jti, root_agent,
                                         chain, depth, kid, state, supersedes)
                     SELECT REPLACE(CAST(RANDOM_UUID() AS VARCHAR), '-', ''), t.kind, t.sub || '-' || r.X,
                            t.task_id || '-' || r.X, t.orch_id, t.scope, t.issued_at, ?, NULL, t.sub || '-' || r.X,
                            t.chain, 0, t.kid, 'active', NULL
                     FROM (SELECT * FROM tokens WHERE kind = 'agent' AND depth = 0 LIMIT 1) t, SYSTEM_RANGE(1, ?) r""")) {
            s.setLong(1, java.time.Instant.now().plus(Duration.ofHours(1)).getEpochSecond());
            s.setInt(2, count);
            return s.executeUpdate();
        }
    }

    /** A figure and the benchmark client's share of the CPU that it and the server used while it was measured. */
    private record Measured(Figure figure, double clientShare, double serverCores) {
        double rate() {
            return figure.rate();
        }
    }

    private interface Scenario {
        Figure run() throws Exception;
    }

    private interface RateScenario {
        double run() throws Exception;
    }

    private static Measured measured(Child server, Scenario scenario) throws Exception {
        Cpu cpu = new Cpu(server);
        Figure f = scenario.run();
        return new Measured(f, cpu.clientShare(), cpu.serverCores());
    }

    private static Measured measured(Child server, RateScenario scenario) throws Exception {
        return measured(server, (Scenario) () -> new Figure(scenario.run(), Double.NaN, Double.NaN));
    }

    /** The broker as a child process: its URL once it listens, how long that took, its CPU time and memory. */
    private static final class Child implements AutoCloseable {
        private static final java.util.regex.Pattern LISTENING =
                java.util.regex.Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");
        final Process process;
        final String url;
        final double startSeconds;
        private String recording;

        private Child(Process process, String url, double startSeconds) {
            this.process = process;
            this.url = url;
            this.startSeconds = startSeconds;
        }

        static Child start(Class<?> main, Map<String, String> env) throws Exception {
            return start(main, env, false);
        }

        /** {@code profiled}: recorded with JFR when MANDATE_BENCH_JFR names a file (the broker's main run only). */
        static Child start(Class<?> main, Map<String, String> env, boolean profiled) throws Exception {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djava.util.logging.config.file=src/test/resources/bench-logging.properties"));
            // The launchers' JVM options (installer/src/dist/bin/mandate-broker, ./mandate run), or MANDATE_BENCH_JAVA_OPTS.
            String options = System.getenv().getOrDefault("MANDATE_BENCH_JAVA_OPTS", JAVA_OPTS);
            command.addAll(List.of(options.trim().split("\\s+")));
            // MANDATE_BENCH_JFR=FILE records the broker with Java Flight Recorder (profile settings) into FILE.
            String jfr = System.getenv("MANDATE_BENCH_JFR");
            if (profiled && jfr != null && !jfr.isBlank()) {
                command.add("-XX:StartFlightRecording=name=bench,settings=profile");
            }
            String classpath = System.getProperty("java.class.path");
            if (main == Main.class && BROKER_CLASSPATH.isPresent() && !"off".equals(System.getenv("MANDATE_CDS"))) {
                // As the launchers run it: from its jar, with the JVM's class-data archive (written by the first start).
                classpath = BROKER_CLASSPATH.get();
                command.addAll(List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + CDS_ARCHIVE,
                        "-Xlog:cds=off,cds+dynamic=off"));
            }
            command.addAll(List.of("-cp", classpath, main.getName()));
            var builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().keySet().removeIf(k -> k.startsWith("MANDATE_"));
            builder.environment().putAll(env);
            long started = System.nanoTime();
            Process process = builder.start();
            var listening = new java.util.concurrent.CompletableFuture<String>();
            java.util.Deque<String> tail = new java.util.concurrent.ConcurrentLinkedDeque<>();
            Thread.ofVirtual().start(() -> {
                try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream()))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        if (!listening.isDone()) {
                            tail.addLast(line);
                            if (tail.size() > 20) {
                                tail.removeFirst();
                            }
                        }
                        var m = LISTENING.matcher(line);
                        if (m.find()) {
                            listening.complete(m.group(1));
                        }
                    }
                } catch (java.io.IOException e) {
                    // The broker ended.
                }
                listening.completeExceptionally(new IllegalStateException(main.getSimpleName()
                        + " ended before it listened; its last lines:\n" + String.join("\n", tail)));
            });
            String url = listening.get(60, java.util.concurrent.TimeUnit.SECONDS);
            Child child = new Child(process, url, (System.nanoTime() - started) / 1e9);
            child.recording = profiled && jfr != null && !jfr.isBlank() ? jfr : null;
            return child;
        }

        long cpuNanos() {
            return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        }

        long rssBytes() throws java.io.IOException {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
            return -1;
        }

        @Override
        public void close() throws Exception {
            if (recording != null) {
                // Dumped while the broker runs: a recording left to the exit can come out cut short.
                new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(process.pid()), "JFR.dump", "name=bench", "filename=" + recording)
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            }
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** CPU time of this process (the client) and of the broker since it was made. */
    private static final class Cpu {
        private final Child broker;
        private final long client = clientNanos();
        private final long server;
        private final long wall = System.nanoTime();

        Cpu(Child broker) {
            this.broker = broker;
            this.server = broker.cpuNanos();
        }

        double clientShare() {
            long c = clientNanos() - client;
            long s = broker.cpuNanos() - server;
            return c + s == 0 ? 0 : (double) c / (c + s);
        }

        /** How many cores the server kept busy on average. */
        double serverCores() {
            return (double) (broker.cpuNanos() - server) / (System.nanoTime() - wall);
        }

        private static long clientNanos() {
            return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getProcessCpuTime();
        }
    }

    private static String ratio(double rate, double baseline, String name) {
        return String.format("%.2f x %s", rate / baseline, name);
    }

    private static String target(boolean met, String target) {
        return " (" + target + ": " + (met ? "met" : "NOT met") + ")";
    }

    private static void row(String name, Measured m, String baseline) {
        Figure f = m.figure();
        System.out.printf("%-38s %10.0f %9s %9s %7s %7s  %s%n", name, f.rate(), ms(f.p50()), ms(f.p99()),
                Double.isNaN(m.clientShare()) ? "" : String.format("%.0f %%", 100 * m.clientShare()),
                Double.isNaN(m.serverCores()) ? "" : String.format("%.2f", m.serverCores()), baseline);
    }

    private static String ms(double value) {
        return Double.isNaN(value) ? "" : String.format("%.1f", value);
    }

    /** A rate, with each call's latency recorded over the measured seconds. */
    private static Figure timed(int threads, BenchSetup.Call call) throws Exception {
        BenchSetup.run(threads, Long.MAX_VALUE, WARMUP.toMillis(), call);
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        long n = BenchSetup.run(threads, Long.MAX_VALUE, MEASURE.toMillis(), () -> {
            long start = System.nanoTime();
            call.run();
            latencies.add(System.nanoTime() - start);
        });
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Figure(n * 1000.0 / MEASURE.toMillis(), percentile(sorted, 0.50), percentile(sorted, 0.99));
    }

    private static double percentile(long[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e6;
    }

    private static double rate(int threads, BenchSetup.Call call) throws Exception {
        BenchSetup.run(threads, Long.MAX_VALUE, WARMUP.toMillis(), call);
        long n = BenchSetup.run(threads, Long.MAX_VALUE, MEASURE.toMillis(), call);
        return n * 1000.0 / MEASURE.toMillis();
    }

    /** Runs {@code count} calls once each and returns their rate. */
    private static double once(int threads, long count, BenchSetup.Call call) throws Exception {
        long start = System.nanoTime();
        long n = BenchSetup.run(threads, count, Duration.ofMinutes(5).toMillis(), call);
        return n * 1e9 / (System.nanoTime() - start);
    }

    private static String get(LeanHttp http, String path) throws Exception {
        var r = http.get(path);
        expect(200, r);
        return r.body();
    }

    private static String post(LeanHttp http, String path, String body, int status, String bearer) throws Exception {
        var r = http.post(path, body, bearer);
        expect(status, r);
        return r.body();
    }

    private static void expect(int status, LeanHttp.Response r) {
        if (r.status() != status) {
            throw new IllegalStateException("expected " + status + ", got " + r.status() + " " + r.body());
        }
    }

    private static void expectValid(String body) {
        if (!body.startsWith("{\"valid\":true")) {
            throw new IllegalStateException("token did not validate: " + body);
        }
    }
}
