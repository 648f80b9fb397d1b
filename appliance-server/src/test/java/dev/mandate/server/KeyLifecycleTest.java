package dev.mandate.server;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.mandate.hsm.PinFile;
import dev.mandate.hsm.TestToken;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static dev.mandate.server.Problem.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyLifecycleTest {

    @TempDir
    Path dir;

    private static String kid(String token) {
        try {
            return SignedJWT.parse(token).getHeader().getKeyID();
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }

    private static Set<String> jwksKids(TestBroker broker) {
        return broker.get("/.well-known/jwks.json", null).json().getJsonArray("keys").stream()
                .map(k -> k.asJsonObject().getString("kid")).collect(Collectors.toSet());
    }

    private static Map<String, String> states(TestBroker broker, String admin) {
        return broker.get("/v1/admin/keys", admin).json().getJsonArray("keys").stream().map(v -> v.asJsonObject())
                .collect(Collectors.toMap(k -> k.getString("kid"), k -> k.getString("state")));
    }

    private Path config(String yaml) throws Exception {
        Path file = Files.createTempFile(dir, "keys", ".yaml");
        Files.writeString(file, "secrets:\n  bcrypt-cost: 4\n" + yaml);
        return file;
    }

    @Test
    void rotationUnderLoadFailsNoRequestAndTheJwksAlwaysHoldsEveryLiveKid() throws Exception {
        Path cfg = config("keys:\n  publish-lead: PT1S\n");
        try (TestBroker broker = TestBroker.start(dir.resolve("load"), Map.of("MANDATE_CONFIG", cfg.toString()))) {
            String admin = broker.adminToken();
            String launch = broker.launchToken(admin, "[\"read:data:*\"]", "\"single_use\":false,\"ttl\":3600");
            ConcurrentLinkedQueue<String> issued = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            AtomicBoolean running = new AtomicBoolean(true);
            java.util.concurrent.Semaphore progress = new java.util.concurrent.Semaphore(0);
            List<Future<?>> clients = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
                for (int c = 0; c < 4; c++) {
                    int client = c;
                    clients.add(pool.submit(() -> {
                        int n = 0;
                        while (running.get()) {
                            var reg = broker.post("/v1/register", TestBroker.registration(launch, broker.nonce(),
                                    TestBroker.ed25519(), "load", "c" + client + "-" + n++, "[\"read:data:x\"]"), null);
                            if (reg.status() != 200) {
                                failures.add("register " + reg);
                                continue;
                            }
                            String token = reg.json().getString("access_token");
                            issued.add(token);
                            progress.release();
                            if (!broker.valid(token)) {
                                failures.add("a fresh token did not validate");
                            }
                        }
                        return null;
                    }));
                }
                List<String> jwksGaps = new ArrayList<>();
                long end = System.nanoTime() + 10_000_000_000L;
                int step = 0;
                while (System.nanoTime() < end) {
                    switch (step++ % 4) {
                        case 0 -> assertEquals(202, broker.post("/v1/admin/keys/rotate", null, admin).status());
                        case 2 -> assertEquals(202, broker.post("/v1/admin/keys/rotate", "{\"immediate\":true}", admin).status());
                        default -> { }
                    }
                    broker.clock.advance(Duration.ofSeconds(1));   // publish lead passes; the housekeeping tick activates
                    Set<String> published = jwksKids(broker);
                    for (String t : List.copyOf(issued)) {
                        if (!published.contains(kid(t))) {
                            jwksGaps.add(kid(t));
                        }
                    }
                    // Let the clients work between rotations: wait for four more tokens rather than a fixed time.
                    progress.drainPermits();
                    assertTrue(progress.tryAcquire(4, 10, java.util.concurrent.TimeUnit.SECONDS), "the clients keep making progress");
                }
                running.set(false);
                for (Future<?> f : clients) {
                    f.get();
                }
                assertEquals(List.of(), List.copyOf(failures));
                assertEquals(List.of(), jwksGaps, "every live token's kid was in the JWKS at every look");
            }
            Set<String> kids = issued.stream().map(KeyLifecycleTest::kid).collect(Collectors.toSet());
            assertTrue(kids.size() >= 3, "tokens were signed by several keys: " + kids.size());
            assertTrue(issued.size() > 40, "the clients kept working: " + issued.size());
            for (String t : issued) {
                assertTrue(broker.valid(t), "every token issued before, during and after rotation validates");
            }
            admin = broker.adminToken();
            assertEquals(1, states(broker, admin).values().stream().filter("active"::equals).count(), "exactly one active key");
        }
    }

    @Test
    void aRetiringKeyVerifiesUntilItsTokensExpireThenLeavesTheJwksAndTheHsm() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("retire"))) {
            String admin = broker.adminToken();
            TestBroker.Agent agent = broker.registerAgent(admin, "orch", "retire", "[\"read:data:*\"]");
            String oldKid = kid(agent.token());
            String oldLabel = broker.broker().keys().list().getFirst().label();

            var rotated = broker.post("/v1/admin/keys/rotate", "{\"immediate\":true}", admin).json();
            assertEquals("active", rotated.getString("state"));
            assertNotEquals(oldKid, rotated.getString("kid"));
            broker.broker().keys().tick();
            assertEquals("retiring", states(broker, admin).get(oldKid));
            assertTrue(broker.valid(agent.token()), "a token signed by a retiring key validates");
            assertTrue(jwksKids(broker).contains(oldKid));
            TestBroker.Agent fresh = broker.registerAgent(admin, "orch", "fresh", "[\"read:data:*\"]");
            assertEquals(rotated.getString("kid"), kid(fresh.token()));

            broker.clock.advance(Duration.ofSeconds(301));     // the agent's and the admin's tokens have expired
            broker.broker().keys().tick();
            admin = broker.adminToken();
            assertEquals("retired", states(broker, admin).get(oldKid));
            assertFalse(jwksKids(broker).contains(oldKid));
            JsonObject record = broker.get("/v1/admin/keys", admin).json().getJsonArray("keys").stream()
                    .map(v -> v.asJsonObject()).filter(k -> k.getString("kid").equals(oldKid)).findFirst().orElseThrow();
            assertFalse(record.isNull("retired_at"));
            // Read back from the token: the key pair is gone (keys.retired-action: destroy).
            assertTrue(broker.broker().hsm().listKeys().stream().noneMatch(k -> k.label().equals(oldLabel)));
            String objects = TestToken.pkcs11Tool("--list-objects");
            assertFalse(objects.contains("ID:         " + HexFormat.of().formatHex(oldLabel.getBytes(StandardCharsets.UTF_8))), objects);
            var audited = broker.get("/v1/audit/events?event_type=key_retired", admin).json();
            assertEquals(1, audited.getInt("total"));
        }
    }

    @Test
    void keptRetiredKeysStayInTheHsm() throws Exception {
        Path cfg = config("keys:\n  retired-action: keep\n");
        try (TestBroker broker = TestBroker.start(dir.resolve("keep"), Map.of("MANDATE_CONFIG", cfg.toString()))) {
            String admin = broker.adminToken();
            String oldLabel = broker.broker().keys().list().getFirst().label();
            broker.post("/v1/admin/keys/rotate", "{\"immediate\":true}", admin);
            broker.clock.advance(Duration.ofSeconds(301));
            broker.broker().keys().tick();
            assertEquals(dev.mandate.server.keys.KeyState.RETIRED, broker.broker().keys().list().stream().filter(k -> k.label().equals(oldLabel))
                    .findFirst().orElseThrow().state());
            assertTrue(broker.broker().hsm().listKeys().stream().anyMatch(k -> k.label().equals(oldLabel)));
        }
    }

    @Test
    void aKeysLiveTokensCountTheRenewalsAndDelegationsThatDieWithIt() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("count"))) {
            String admin = broker.adminToken();
            TestBroker.Agent a = broker.registerAgent(admin, "orch", "count-a", "[\"read:data:*\"]");
            TestBroker.Agent b = broker.registerAgent(admin, "orch", "count-b", "[\"read:data:*\"]");
            String old = kid(a.token());
            assertEquals(202, broker.post("/v1/admin/keys/rotate", "{\"immediate\":true}", admin).status());
            // Renewed under the new key, then delegated from: both die with the old key, which signed neither.
            String renewed = broker.post("/v1/token/renew", null, a.token()).json().getString("access_token");
            String delegated = broker.delegated(renewed, b.agentId(), "[\"read:data:x\"]");
            assertNotEquals(old, kid(renewed));

            String newAdmin = broker.adminToken();
            var listed = broker.get("/v1/admin/keys", newAdmin).json().getJsonArray("keys").stream().map(v -> v.asJsonObject())
                    .filter(k -> k.getString("kid").equals(old)).findFirst().orElseThrow();
            // b's token, the first admin's, the renewal and the delegation: a's first token was superseded.
            assertEquals(4, listed.getInt("live_tokens"), listed.toString());
            var r = broker.post("/v1/admin/keys/" + old + "/revoke", null, newAdmin);
            assertEquals(200, r.status(), r.toString());
            assertEquals(4, r.json().getInt("count"), "what was counted is what died");
            for (String dead : List.of(b.token(), admin, renewed, delegated)) {
                assertFalse(broker.valid(dead));
            }
            assertTrue(broker.valid(newAdmin));
        }
    }

    @Test
    void revokingAKeyKillsEveryTokenItSignedAtOnce() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("revoke"))) {
            String admin = broker.adminToken();
            TestBroker.Agent a = broker.registerAgent(admin, "orch", "k-a", "[\"read:data:*\"]");
            TestBroker.Agent b = broker.registerAgent(admin, "orch", "k-b", "[\"read:data:*\"]");
            String delegated = broker.delegated(a.token(), b.agentId(), "[\"read:data:x\"]");
            String compromised = kid(a.token());

            var r = broker.post("/v1/admin/keys/" + compromised + "/revoke", null, admin);
            assertEquals(200, r.status(), r.toString());
            assertEquals("revoked", r.json().getString("state"));
            assertEquals(4, r.json().getInt("count"), "a, b, the delegated token and the admin token");

            String newAdmin = broker.adminToken();
            TestBroker.Agent c = broker.registerAgent(newAdmin, "orch", "k-c", "[\"read:data:*\"]");
            assertNotEquals(compromised, kid(c.token()));
            for (String dead : List.of(a.token(), b.token(), delegated, admin)) {
                assertFalse(broker.valid(dead));
                assertFalse(broker.bearerAccepts(dead));
                assertFalse(broker.introspect(newAdmin, dead).getBoolean("active"));
            }
            assertTrue(broker.valid(c.token()));
            assertTrue(broker.bearerAccepts(c.token()));
            assertFalse(jwksKids(broker).contains(compromised));
            assertEquals("revoked", states(broker, newAdmin).get(compromised));

            assertProblem(broker.post("/v1/admin/keys/nope/revoke", null, newAdmin), 404, "not_found", "/v1/admin/keys/nope/revoke");
            assertProblem(broker.post("/v1/admin/keys/rotate", null, c.token()), 403, "insufficient_scope", "/v1/admin/keys/rotate");
            assertProblem(broker.get("/v1/admin/keys", null), 401, "unauthorized", "/v1/admin/keys");

            broker.restart();
            assertFalse(broker.valid(a.token()), "key revocation survives a restart");
            assertTrue(broker.valid(c.token()));
        }
    }

    @Test
    void aResourceServerUsingOnlyNimbusAndTheRemoteJwksVerifiesAcrossARotation() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("nimbus"))) {
            var source = JWKSourceBuilder.<SecurityContext>create(URI.create(broker.url() + "/.well-known/jwks.json").toURL())
                    .rateLimited(false).build();
            var processor = new DefaultJWTProcessor<SecurityContext>();
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, source));

            String admin = broker.adminToken();
            String before = broker.registerAgent(admin, "orch", "rs-1", "[\"read:data:*\"]").token();
            assertEquals("orch", processor.process(before, null).getStringClaim("orch_id"));

            broker.post("/v1/admin/keys/rotate", "{\"immediate\":true}", admin);
            String after = broker.registerAgent(admin, "orch", "rs-2", "[\"read:data:*\"]").token();
            assertNotEquals(kid(before), kid(after));
            assertEquals("rs-2", processor.process(after, null).getStringClaim("task_id"), "unknown kid: JWKS refetched");
            assertEquals("rs-1", processor.process(before, null).getStringClaim("task_id"), "the retiring key still verifies");
        }
    }

    @Test
    void duringAnHsmOutageIssuingIs503ValidationGoesOnAndHealthIsDegradedThenItRecovers() throws Exception {
        Path pin = dir.resolve("pin");
        PinFile.create(pin, Files.readString(TestToken.config().pinFile()).strip());
        try (TestBroker broker = TestBroker.start(dir.resolve("outage"), Map.of("MANDATE_HSM_PIN_FILE", pin.toString()))) {
            String admin = broker.adminToken();
            TestBroker.Agent existing = broker.registerAgent(admin, "orch", "before", "[\"read:data:*\"]");
            String launch = broker.launchToken(admin, "[\"read:data:*\"]", "");

            // The HSM drops the session and refuses the login from now on.
            Files.writeString(pin, "0000000000");
            broker.broker().hsm().close();

            var refused = broker.post("/v1/register", TestBroker.registration(launch, broker.nonce(), TestBroker.ed25519(),
                    "orch", "during", "[\"read:data:x\"]"), null);
            assertProblem(refused, 503, "hsm_unavailable", "/v1/register");
            assertProblem(broker.post("/v1/token/renew", null, existing.token()), 503, "hsm_unavailable", "/v1/token/renew");
            assertTrue(broker.valid(existing.token()), "validation goes on from the public keys");
            var health = broker.get("/v1/health", null);
            assertEquals(503, health.status());
            assertEquals("degraded", health.json().getString("status"));
            assertEquals("down", health.json().getString("hsm"));

            Files.writeString(pin, Files.readString(TestToken.config().pinFile()));
            var health2 = broker.get("/v1/health", null);
            assertEquals(200, health2.status(), health2.toString());
            var recovered = broker.post("/v1/register", TestBroker.registration(launch, broker.nonce(), TestBroker.ed25519(),
                    "orch", "after", "[\"read:data:x\"]"), null);
            assertEquals(200, recovered.status(), "the launch token survived the failed attempt: " + recovered);
            assertTrue(broker.valid(recovered.json().getString("access_token")));
        }
    }

    @Test
    void scheduledRotationRotatesOnItsPeriodLoggedAndAudited() throws Exception {
        Path cfg = config("keys:\n  rotation-period: PT60S\n  publish-lead: PT5S\n");
        try (TestBroker broker = TestBroker.start(dir.resolve("scheduled"), Map.of("MANDATE_CONFIG", cfg.toString()))) {
            var keys = broker.broker().keys();
            for (int period = 0; period < 2; period++) {
                broker.clock.advance(Duration.ofSeconds(60));
                keys.tick();                                       // the period is over: a next key is published
                assertEquals(1, keys.list().stream().filter(k -> k.state() == dev.mandate.server.keys.KeyState.NEXT).count());
                broker.clock.advance(Duration.ofSeconds(5));
                keys.tick();                                       // the publish lead is over: it signs
                assertEquals(0, keys.list().stream().filter(k -> k.state() == dev.mandate.server.keys.KeyState.NEXT).count());
            }
            assertEquals(3, keys.list().size());
            String admin = broker.adminToken();
            assertEquals(3, broker.get("/v1/audit/events?event_type=key_generated", admin).json().getInt("total"));
            assertEquals(3, broker.get("/v1/audit/events?event_type=key_activated", admin).json().getInt("total"));
            String log = Files.readString(Path.of("target/test-broker-0.log"));
            assertTrue(log.split("scheduled key rotation", -1).length - 1 >= 2, "each rotation is logged");
        }
    }
}
