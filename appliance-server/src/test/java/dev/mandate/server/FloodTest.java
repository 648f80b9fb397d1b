package dev.mandate.server;

import dev.mandate.server.agent.Nonces;
import dev.mandate.server.http.ClientAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cheap floods from many loopback addresses (challenges, HTTP Basic with random client ids, app
 * authentication with random client ids) while a real agent registers, renews and validates: the agent
 * keeps succeeding, credential checks are limited per address, challenges leave no state, memory stays
 * bounded. Bounded in count and time; loopback only.
 */
class FloodTest {

    private static final int SOURCES = 48;
    private static final int REQUESTS_PER_SOURCE = 300;
    private static final long FLOOD_MILLIS = 8_000;

    @TempDir
    Path data;

    @Test
    void aFloodFromManyAddressesDoesNotStopARealAgent() throws Exception {
        try (TestBroker broker = TestBroker.start(data)) {
            String admin = broker.adminToken();
            String launch = broker.launchToken(admin, "[\"read:data:*\"]", "\"single_use\":false,\"ttl\":600");
            int port = broker.broker().port();
            long heapBefore = usedHeapAfterGc();

            Map<String, LongAdder> flood = new ConcurrentHashMap<>();
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            List<String> agentFailures = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean flooding = new AtomicBoolean(true);
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> sources = new ArrayList<>();
                long deadline = System.currentTimeMillis() + FLOOD_MILLIS;
                for (int i = 0; i < SOURCES; i++) {
                    InetAddress from = InetAddress.getByAddress(new byte[]{127, 0, 1, (byte) (2 + i)});
                    sources.add(pool.submit(() -> floodFrom(from, port, deadline, new Random(from.hashCode()), flood)));
                }
                Future<?> agent = pool.submit(() -> {
                    while (flooding.get()) {
                        agentCycle(broker, launch, latencies, agentFailures);
                    }
                    return null;
                });
                for (Future<?> f : sources) {
                    f.get();
                }
                flooding.set(false);
                agent.get();
            }
            long heapAfter = usedHeapAfterGc();

            System.out.println("flood: " + new TreeMap<>(flood));
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            System.out.printf("agent during the flood: %d operations, p50 %.1f ms, p99 %.1f ms, max %.1f ms; "
                            + "heap %d MB -> %d MB; spent nonces %d%n", sorted.size(), ms(sorted, 0.50), ms(sorted, 0.99),
                    sorted.getLast() / 1e6, heapBefore >> 20, heapAfter >> 20, broker.broker().nonces().spentCount());

            assertEquals(List.of(), agentFailures, "the real agent never failed");
            assertTrue(sorted.size() >= 4 * 10, "the real agent got work done: " + sorted.size() / 4 + " cycles");
            long challenges = count(flood, "GET /v1/challenge 200");
            assertTrue(challenges > 1000, "the flood got its challenges: " + challenges);
            assertTrue(broker.broker().nonces().spentCount() <= sorted.size(),
                    "challenges leave no state; only the agent's spent nonces are remembered");
            long bcrypts = count(flood, "basic 401") + count(flood, "app-auth 401");
            assertTrue(bcrypts <= SOURCES * (20 + 10 * (FLOOD_MILLIS / 1000 + 1)),
                    "at most each address's credential budget reached a bcrypt: " + bcrypts);
            assertEquals(0, count(flood, " 5"), "no 5xx: " + flood);
            assertTrue(heapAfter - heapBefore < 64L << 20, "memory stays bounded");
            assertEquals("ok", broker.get("/v1/health", null).json().getString("status"));
        }
    }

    @Test
    void credentialChecksAreLimitedPerAddressWhateverTheClientId() throws Exception {
        try (TestBroker broker = TestBroker.start(data);
             var client = new LoopbackClient(InetAddress.getByName("127.0.3.1"), broker.broker().port())) {
            Map<Integer, Integer> statuses = new TreeMap<>();
            long start = System.nanoTime();
            for (int i = 0; i < 60; i++) {
                String request = i % 2 == 0
                        ? LoopbackClient.post("/v1/introspect", "application/x-www-form-urlencoded", "token=x", "Basic "
                                + Base64.getEncoder().encodeToString(("random-" + i + ":s").getBytes(StandardCharsets.UTF_8)))
                        : LoopbackClient.post("/v1/app/auth", "application/json",
                                "{\"client_id\":\"random-" + i + "\",\"client_secret\":\"s\"}", null);
                statuses.merge(client.exchange(request), 1, Integer::sum);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(statuses.getOrDefault(429, 0) > 0, "random client ids do not escape the per-address budget: " + statuses);
            assertTrue(statuses.getOrDefault(401, 0) <= 20 + 10 * (seconds + 1), "at most the burst and the refill: "
                    + statuses + " in " + seconds + " s");
        }
    }

    @Test
    void challengesAreStatelessUntilSpentAndSpentOnce() {
        var clock = new MutableClock();
        Nonces nonces = new Nonces(new byte[32], 1000, clock::millis);
        for (int i = 0; i < 300_000; i++) {
            nonces.issue();   // the old table held 200,000 outstanding nonces, then refused everyone
        }
        assertEquals(0, nonces.spentCount(), "issuing stores nothing");
        String nonce = nonces.issue();
        assertTrue(nonces.unspentHere(nonce).isPresent());
        nonces.spentHere(nonces.unspentHere(nonce).orElseThrow());
        assertFalse(nonces.unspentHere(nonce).isPresent(), "spent once");
        String other = nonces.issue();
        char last = other.charAt(63);
        assertFalse(nonces.unspentHere(other.substring(0, 63) + (last == '0' ? '1' : '0')).isPresent(), "an altered nonce");
        assertFalse(nonces.unspentHere("0".repeat(64)).isPresent(), "a nonce the broker never issued");
        assertFalse(nonces.unspentHere(new Nonces(new byte[]{1}, 1000, clock::millis).issue()).isPresent(), "a nonce under another key");
        // A nonce that expires later than one issued now could (made with the key, outside the broker).
        String early = nonces.issue();
        clock.advance(java.time.Duration.ofSeconds(-91));
        assertFalse(nonces.unspentHere(early).isPresent(), "a nonce expiring beyond its lifetime and the clocks' margin");
        clock.advance(java.time.Duration.ofSeconds(91));
        String late = nonces.issue();
        clock.advance(java.time.Duration.ofSeconds(Nonces.LIFETIME_SECONDS));
        assertFalse(nonces.unspentHere(late).isPresent(), "an expired nonce");
        nonces.prune();
        assertEquals(0, nonces.spentCount(), "spent nonces are forgotten once they expired");
    }

    @Test
    void ipv6ClientsAreLimitedPerSlash64() throws Exception {
        String a = ClientAddress.key(InetAddress.getByName("2001:db8:1:2:aaaa::1"));
        assertEquals(a, ClientAddress.key(InetAddress.getByName("2001:db8:1:2:ffff:1:2:3")));
        assertNotEquals(a, ClientAddress.key(InetAddress.getByName("2001:db8:1:3::1")));
        assertEquals("127.0.1.2", ClientAddress.key(InetAddress.getByName("127.0.1.2")));
    }

    /** One registration, renewal and validation, each timed; any non-200 is a failure. */
    private static void agentCycle(TestBroker broker, String launch, List<Long> latencies, List<String> failures) {
        var keys = TestBroker.ed25519();
        long t0 = System.nanoTime();
        var challenge = broker.get("/v1/challenge", null);
        long t1 = System.nanoTime();
        if (challenge.status() != 200) {
            failures.add("challenge " + challenge);
            return;
        }
        var registered = broker.post("/v1/register", TestBroker.registration(launch, challenge.json().getString("nonce"),
                keys, "flood", "legit", "[\"read:data:x\"]"), null);
        long t2 = System.nanoTime();
        if (registered.status() != 200) {
            failures.add("register " + registered);
            return;
        }
        var renewed = broker.post("/v1/token/renew", null, registered.json().getString("access_token"));
        long t3 = System.nanoTime();
        if (renewed.status() != 200) {
            failures.add("renew " + renewed);
            return;
        }
        boolean valid = broker.valid(renewed.json().getString("access_token"));
        long t4 = System.nanoTime();
        if (!valid) {
            failures.add("validate: not valid");
        }
        latencies.addAll(List.of(t1 - t0, t2 - t1, t3 - t2, t4 - t3));
    }

    /** Keep-alive requests from one source address, until the deadline or the request budget. */
    private static Void floodFrom(InetAddress from, int port, long deadline, Random random, Map<String, LongAdder> seen)
            throws IOException {
        try (LoopbackClient client = new LoopbackClient(from, port)) {
            for (int i = 0; i < REQUESTS_PER_SOURCE && System.currentTimeMillis() < deadline; i++) {
                String id = "app-" + random.nextLong();
                String kind = switch (i % 3) {
                    case 0 -> "GET /v1/challenge";
                    case 1 -> "basic";
                    default -> "app-auth";
                };
                String request = switch (i % 3) {
                    case 0 -> LoopbackClient.get("/v1/challenge", null);
                    case 1 -> LoopbackClient.post("/v1/introspect", "application/x-www-form-urlencoded", "token=x",
                            "Basic " + Base64.getEncoder().encodeToString((id + ":secret").getBytes(StandardCharsets.UTF_8)));
                    default -> LoopbackClient.post("/v1/app/auth", "application/json",
                            "{\"client_id\":\"" + id + "\",\"client_secret\":\"x\"}", null);
                };
                seen.computeIfAbsent(kind + " " + client.exchange(request), k -> new LongAdder()).increment();
            }
        }
        return null;
    }

    private static long count(Map<String, LongAdder> seen, String contains) {
        return seen.entrySet().stream().filter(e -> e.getKey().contains(contains)).mapToLong(e -> e.getValue().sum()).sum();
    }

    private static double ms(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) (q * sorted.size()))) / 1e6;
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
