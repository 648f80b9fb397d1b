package dev.mandate.server;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditChainTest {

    @TempDir
    Path data;

    @Test
    void anyoneCanRecomputeTheChainFromTheEventsAndTamperingIsFound() throws Exception {
        try (TestBroker broker = TestBroker.start(data)) {
            String admin = broker.adminToken();
            broker.registerAgent(admin, "orch", "chain", "[\"read:data:*\"]");
            var events = broker.get("/v1/audit/events?limit=1000", admin).json().getJsonArray("events");
            assertTrue(events.size() >= 5);

            // Offline, from the API's strings alone (SPEC §6).
            String prev = "0".repeat(64);
            for (var v : events) {
                JsonObject e = v.asJsonObject();
                assertEquals(prev, e.getString("prev_hash"));
                String joined = String.join("|", prev, Long.toString(e.getJsonNumber("id").longValue()), e.getString("timestamp"),
                        e.getString("event_type"), e.getString("agent_id"), e.getString("task_id"), e.getString("orch_id"),
                        e.getString("detail"), e.getString("outcome"));
                String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(joined.getBytes(StandardCharsets.UTF_8)));
                assertEquals(hash, e.getString("hash"), "event " + e.getJsonNumber("id"));
                prev = hash;
            }

            // Someone with write access to the database edits one event's detail.
            broker.broker().db().write(tx -> tx.connection().createStatement()
                    .executeUpdate("UPDATE audit_events SET detail = 'nothing happened' WHERE id = 3"));
            JsonObject verify = broker.get("/v1/audit/verify", admin).json();
            assertFalse(verify.getBoolean("valid"));
            assertEquals(3, verify.getInt("first_broken_id"));
            assertEquals(2, verify.getInt("events"));
        }
    }
}
