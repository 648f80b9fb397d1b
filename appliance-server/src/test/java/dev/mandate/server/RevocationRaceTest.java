package dev.mandate.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Renewals and delegations raced against every kind of revocation of the same token, on real threads,
 * while other clients keep the write path busy. Once a revoke has answered, no token derived from the
 * revoked one (renewed or delegated, before or after the revoke) validates, passes a Bearer route, or
 * introspects as active. The decision to issue is made in the transaction that commits the new token,
 * so a revoke that committed first is never outrun.
 */
class RevocationRaceTest {

    /** Races per (issuance, level); key revocations rotate the signing key, so they are fewer. */
    private static final int RACES = 150;
    private static final int KEY_RACES = 15;
    private static final int WORKERS = 4;

    @TempDir
    static Path data;
    static TestBroker broker;
    static volatile String admin;
    static String launch;
    static String delegate;
    static final AtomicInteger tasks = new AtomicInteger();

    enum Issuance { RENEW, DELEGATE }

    enum Level { TOKEN, OAUTH, AGENT, TASK, CHAIN, KEY }

    /** One race's outcome: the derived token if the issuance succeeded, and whether it survived the revoke. */
    record Outcome(Issuance issuance, Level level, boolean issued, boolean survived, String detail) {
    }

    @BeforeAll
    static void start() {
        // Key races log the operator in again after each key revocation: more often than admin-auth's default 5/s.
        Path limits;
        try {
            limits = java.nio.file.Files.writeString(data.resolve("race.yaml"), "secrets:\n  bcrypt-cost: 4\n"
                    + "rate-limits:\n  admin-auth: { rate: 1000, period: PT1S, burst: 1000 }\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        broker = TestBroker.start(data.resolve("broker"), Map.of("MANDATE_CONFIG", limits.toString()));
        admin = broker.adminToken();
        launch = broker.launchToken(admin, "[\"read:data:*\"]", "\"single_use\":false,\"ttl\":3600,\"max_ttl\":3600");
        delegate = register("delegates", "delegate-task").agentId();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void noRenewalOrDelegationOutrunsARevocation() throws Exception {
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean noise = new AtomicBoolean(true);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<?>> busy = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            busy.add(pool.submit(() -> keepTheWritePathBusy(noise)));
        }
        try {
            List<Future<?>> work = new ArrayList<>();
            for (Issuance issuance : Issuance.values()) {
                for (Level level : List.of(Level.TOKEN, Level.OAUTH, Level.AGENT, Level.TASK, Level.CHAIN)) {
                    for (int w = 0; w < WORKERS; w++) {
                        work.add(pool.submit(() -> {
                            for (int i = 0; i < RACES / WORKERS; i++) {
                                outcomes.add(race(issuance, level));
                            }
                            return null;
                        }));
                    }
                }
            }
            for (Future<?> f : work) {
                f.get();
            }
            // Key revocations rotate the key every tokens is signed with: by themselves, after the rest.
            for (int i = 0; i < KEY_RACES; i++) {
                for (Issuance issuance : Issuance.values()) {
                    outcomes.add(race(issuance, Level.KEY));
                }
            }
        } finally {
            noise.set(false);
            for (Future<?> f : busy) {
                f.get();
            }
            pool.shutdown();
        }
        long issued = outcomes.stream().filter(Outcome::issued).count();
        List<Outcome> survivors = outcomes.stream().filter(Outcome::survived).toList();
        System.out.println("revocation races: " + outcomes.size() + ", issuances that won the race: " + issued
                + ", derived tokens alive after the revoke: " + survivors.size());
        outcomes.stream().collect(java.util.stream.Collectors.groupingBy(o -> o.issuance() + "/" + o.level(),
                java.util.TreeMap::new, java.util.stream.Collectors.toList())).forEach((k, v) -> System.out.println(
                "  " + k + ": " + v.size() + " races, " + v.stream().filter(Outcome::issued).count() + " issued, "
                        + v.stream().filter(Outcome::survived).count() + " survived"));
        assertTrue(outcomes.size() >= 2 * 5 * RACES, "all races ran");
        assertEquals(List.of(), survivors.subList(0, Math.min(10, survivors.size())), survivors.size() + " survivors");
    }

    /** Registers a fresh agent, races one issuance from its token against one revocation, checks the result. */
    private static Outcome race(Issuance issuance, Level level) throws Exception {
        String task = "race-" + tasks.incrementAndGet();
        TestBroker.Agent agent = register("race", task);
        String jti = broker.validate(agent.token()).getJsonObject("claims").getString("jti");
        String kid = level == Level.KEY ? kidOf(agent.token()) : null;
        CountDownLatch go = new CountDownLatch(1);
        var derived = Executors.newVirtualThreadPerTaskExecutor().submit(() -> {
            go.await();
            TestBroker.Response r = issuance == Issuance.RENEW
                    ? broker.post("/v1/token/renew", null, agent.token())
                    : broker.delegate(agent.token(), delegate, "[\"read:data:x\"]", 600L);
            return r.status() == 200 ? r.json().getString("access_token") : null;
        });
        go.countDown();
        TestBroker.Response revoked = switch (level) {
            case TOKEN -> broker.revoke(admin, "token", jti);
            case AGENT -> broker.revoke(admin, "agent", agent.agentId());
            case TASK -> broker.revoke(admin, "task", task);
            case CHAIN -> broker.revoke(admin, "chain", agent.agentId());
            case OAUTH -> broker.send(HttpRequest.newBuilder(URI.create(broker.url() + "/v1/oauth/revoke"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(agent.token(), StandardCharsets.UTF_8))),
                    admin, Map.of());
            case KEY -> broker.post("/v1/admin/keys/" + kid + "/revoke", null, admin);
        };
        assertEquals(200, revoked.status(), level + " revoke: " + revoked);
        if (level == Level.KEY) {
            admin = broker.adminToken();   // the operator's token was signed by the revoked key too
        }
        // The revoke has answered: whatever the issuance got, before or after it, must be dead now.
        String token = derived.get();
        if (token == null) {
            return new Outcome(issuance, level, false, false, "");
        }
        boolean valid = broker.valid(token);
        boolean bearer = broker.bearerAccepts(token);
        boolean active = broker.introspect(admin, token).getBoolean("active");
        return new Outcome(issuance, level, true, valid || bearer || active,
                "valid=" + valid + " bearer=" + bearer + " introspection=" + active);
    }

    private static TestBroker.Agent register(String orch, String task) {
        KeyPair keys = TestBroker.ed25519();
        var r = broker.post("/v1/register", TestBroker.registration(launch, broker.nonce(), keys, orch, task,
                "[\"read:data:*\"]"), null);
        assertEquals(200, r.status(), r.toString());
        return new TestBroker.Agent(r.json().getString("agent_id"), r.json().getString("access_token"),
                r.json().getJsonNumber("expires_in").longValue(), keys);
    }

    private static String kidOf(String jwt) {
        String header = new String(java.util.Base64.getUrlDecoder().decode(jwt.substring(0, jwt.indexOf('.'))),
                StandardCharsets.UTF_8);
        return dev.mandate.server.http.Json.parse(header).getString("kid");
    }

    /** Other clients: registrations and renewals of their own, as fast as the broker takes them. */
    private static Void keepTheWritePathBusy(AtomicBoolean running) {
        TestBroker.Agent own = register("noise", "noise-task");
        String token = own.token();
        while (running.get()) {
            var r = broker.post("/v1/token/renew", null, token);
            if (r.status() == 200) {
                token = r.json().getString("access_token");
            } else {
                token = register("noise", "noise-task").token();
            }
        }
        return null;
    }
}
