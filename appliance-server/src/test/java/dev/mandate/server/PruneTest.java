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
}
