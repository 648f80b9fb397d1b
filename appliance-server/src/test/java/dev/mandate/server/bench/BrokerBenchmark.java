package dev.mandate.server.bench;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.mandate.hsm.Hsm;
import dev.mandate.hsm.HsmSigner;
import dev.mandate.server.Main;
import dev.mandate.server.Settings;
import dev.mandate.server.http.Json;
import io.helidon.webserver.WebServer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Broker throughput, each figure next to two baselines measured in the same run: the raw HSM ES256
 * signing rate and an empty Helidon route driven by the same HTTP client. Run with {@code ./mandate bench}.
 * Client and server share the machine's cores, so the ratios matter more than the absolute figures.
 */
public final class BrokerBenchmark {

    private static final int CLIENTS = 32;
    private static final Duration WARMUP = Duration.ofSeconds(2);
    private static final Duration MEASURE = Duration.ofSeconds(5);

    private static final HttpClient HTTP = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/bench-broker");
        var token = BenchSetup.token(dir);
        Settings settings = BenchSetup.settings(token);

        System.out.printf("Mandate broker benchmark: %d cores, %d concurrent clients, %d s per figure%n",
                Runtime.getRuntime().availableProcessors(), CLIENTS, MEASURE.toSeconds());

        double hsm;
        try (Hsm h = Hsm.open(token.config())) {
            String label = "bench-" + System.currentTimeMillis();
            h.generateSigningKey(label);
            HsmSigner signer = h.signer(label, 4);
            hsm = rate(2, () -> signer.sign(new JWTClaimsSet.Builder().subject("bench").build()));
            h.destroy(label);
        }

        WebServer empty = WebServer.builder().port(0).host("127.0.0.1")
                .routing(r -> r.get("/empty", (req, res) -> res.send("ok"))).build().start();
        URI emptyUri = URI.create("http://127.0.0.1:" + empty.port() + "/empty");
        double emptyRoute = rate(CLIENTS, () -> expect(200, HTTP.send(HttpRequest.newBuilder(emptyUri).GET().build(),
                HttpResponse.BodyHandlers.ofString())));
        empty.stop();

        try (Main.Broker broker = Main.start(settings, Clock.systemUTC())) {
            String base = "http://127.0.0.1:" + broker.port();
            String admin = Json.parse(post(base + "/v1/admin/auth", "{\"secret\":\"" + BenchSetup.ADMIN_SECRET + "\"}", 200)).getString("access_token");
            String launch = Json.parse(post(base + "/v1/admin/launch-tokens", "{\"agent_name\":\"bench\",\"allowed_scope\":"
                    + "[\"read:data:*\"],\"single_use\":false,\"ttl\":3600,\"max_ttl\":3600}", 201, admin)).getString("launch_token");
            // Bouncy Castle signs Ed25519 several times faster than the JDK: the client should not be the bottleneck.
            var agentKey = new org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters(new java.security.SecureRandom());
            String publicKey = java.util.Base64.getEncoder().encodeToString(agentKey.generatePublicKey().getEncoded());

            ConcurrentLinkedQueue<String> fresh = new ConcurrentLinkedQueue<>();
            AtomicLong task = new AtomicLong();
            double registration = rate(CLIENTS, () -> {
                String nonce = Json.parse(get(base + "/v1/challenge")).getString("nonce");
                var signer = new org.bouncycastle.crypto.signers.Ed25519Signer();
                signer.init(true, agentKey);
                byte[] message = java.util.HexFormat.of().parseHex(nonce);
                signer.update(message, 0, message.length);
                String body = "{\"launch_token\":\"" + launch + "\",\"nonce\":\"" + nonce + "\",\"public_key\":\"" + publicKey
                        + "\",\"signature\":\"" + java.util.Base64.getEncoder().encodeToString(signer.generateSignature())
                        + "\",\"orch_id\":\"bench\",\"task_id\":\"t" + task.incrementAndGet()
                        + "\",\"requested_scope\":[\"read:data:x\"]}";
                fresh.add(Json.parse(post(base + "/v1/register", body, 200)).getString("access_token"));
            });

            String same = fresh.peek();
            String sameBody = "{\"token\":\"" + same + "\"}";
            double validateSame = rate(CLIENTS, () -> expectValid(post(base + "/v1/token/validate", sameBody, 200)));

            List<String> unseen = new ArrayList<>(fresh);
            unseen.remove(same);
            ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>(unseen);
            double validateFresh = once(CLIENTS, queue.size(), () -> {
                String t = queue.poll();
                if (t != null) {
                    expectValid(post(base + "/v1/token/validate", "{\"token\":\"" + t + "\"}", 200));
                }
            });

            System.out.printf("%-34s %12s %10s %12s%n", "operation", "per second", "vs HSM", "vs empty route");
            row("raw HSM ES256 signing (2 threads)", hsm, hsm, emptyRoute);
            row("empty Helidon route (GET)", emptyRoute, hsm, emptyRoute);
            row("validate, same token", validateSame, hsm, emptyRoute);
            row("validate, fresh tokens (" + unseen.size() + ")", validateFresh, hsm, emptyRoute);
            row("register (challenge + register)", registration, hsm, emptyRoute);
        }
    }

    private static void row(String name, double rate, double hsm, double empty) {
        System.out.printf("%-34s %12.0f %10.2f %12.2f%n", name, rate, rate / hsm, rate / empty);
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

    private static String get(String url) throws Exception {
        var r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        expect(200, r);
        return r.body();
    }

    private static String post(String url, String body, int status) throws Exception {
        return post(url, body, status, null);
    }

    private static String post(String url, String body, int status, String bearer) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        var r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        expect(status, r);
        return r.body();
    }

    private static void expect(int status, HttpResponse<String> r) {
        if (r.statusCode() != status) {
            throw new IllegalStateException("expected " + status + ", got " + r.statusCode() + " " + r.body());
        }
    }

    private static void expectValid(String body) {
        if (!body.startsWith("{\"valid\":true")) {
            throw new IllegalStateException("token did not validate: " + body);
        }
    }
}
