package dev.mandate.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PruneTest {

    @TempDir
    Path data;

    @Test
    void entriesArePrunedOnceNothingTheyMatchCanBeAliveAndNotBefore() {
        try (TestBroker broker = TestBroker.start(data)) {
            String admin = broker.adminToken();
            var agent = broker.registerAgent(admin, "orch", "prune", "[\"read:data:*\"]");   // lives 300 s
            broker.post("/v1/token/release", null, agent.token());
            broker.revoke(admin, "task", "prune-task");                                         // lives max-ttl (24 h)
            long entries = broker.broker().revocations().size();
            assertEquals(2, entries);

            broker.clock.advance(Duration.ofSeconds(299));
            assertEquals(0, broker.broker().revocations().prune(), "the released token could still be alive");
            assertFalse(broker.valid(agent.token()));

            broker.clock.advance(Duration.ofSeconds(1));
            assertEquals(1, broker.broker().revocations().prune());
            assertEquals(1, broker.broker().revocations().size());
            String fresh = broker.adminToken();
            var feed = broker.get("/v1/revocations", fresh).json().getJsonArray("entries");
            assertEquals(1, feed.size());
            assertEquals("task", feed.getJsonObject(0).getString("level"));
            assertTrue(broker.broker().revocations().contains(dev.mandate.server.revocation.Revocations.Level.TASK, "prune-task"));

            broker.restart();
            assertEquals(1, broker.broker().revocations().size(), "pruned entries do not come back");
        }
    }
    @Test
    void aSpentNonceIsRememberedUntilItExpiresAndNotBeyond() {
        try (TestBroker broker = TestBroker.start(data)) {
            String admin = broker.adminToken();
            String launch = broker.launchToken(admin, "[\"read:data:*\"]", "\"single_use\":false");
            String body = TestBroker.registration(launch, broker.nonce(), TestBroker.ed25519(), "o", "t", "[\"read:data:x\"]");
            assertEquals(200, broker.post("/v1/register", body, null).status());
            var nonces = broker.broker().nonces();

            broker.clock.advance(Duration.ofSeconds(dev.mandate.server.agent.Nonces.LIFETIME_SECONDS - 1));
            assertEquals(0, nonces.prune(broker.broker().db()), "the nonce could still be presented");
            assertEquals(401, broker.post("/v1/register", body, null).status());
            // Kept past its expiry by the margin between nodes' clocks: a node running behind still finds it.
            broker.clock.advance(Duration.ofMillis(1_000 + dev.mandate.server.agent.Nonces.CLOCK_MARGIN_MILLIS - 1));
            assertEquals(0, nonces.prune(broker.broker().db()));
            broker.clock.advance(Duration.ofMillis(1));
            assertEquals(1, nonces.prune(broker.broker().db()));
            assertEquals(0, nonces.spentCount());
        }
    }

    /** With token.clock-leeway L, validation accepts a token until exp + L: its revocation must last as long. */
    @Test
    void anEntryOutlivesItsTokenByTheClockLeeway() throws Exception {
        Path config = java.nio.file.Files.writeString(data.resolve("leeway.yaml"),
                "secrets:\n  bcrypt-cost: 4\ntoken:\n  clock-leeway: PT30S\n");
        try (TestBroker broker = TestBroker.start(data.resolve("broker"), java.util.Map.of("MANDATE_CONFIG", config.toString()))) {
            String admin = broker.adminToken();
            var agent = broker.registerAgent(admin, "orch", "leeway", "[\"read:data:*\"]");   // lives 300 s
            String jti = broker.validate(agent.token()).getJsonObject("claims").getString("jti");
            assertEquals(1, broker.revoke(admin, "token", jti).json().getInt("count"));

            broker.clock.advance(Duration.ofSeconds(310));   // past exp, within exp + leeway
            broker.broker().revocations().prune();
            assertFalse(broker.valid(agent.token()), "still revoked while the leeway would accept it");
            broker.clock.advance(Duration.ofSeconds(30));
            broker.broker().revocations().prune();
            assertFalse(broker.valid(agent.token()), "and expired after it");
        }
    }
}
