package dev.mandate.server;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Refusals anyone can cause are audited on a budget per event type and client: a flood of garbage
 * tokens from one address does not hide guesses at the admin secret from another, and what a budget
 * keeps out is written as hash-chained summary events, so every refusal is accounted for.
 */
class AuditBudgetTest {

    private static final Pattern SUMMARY = Pattern.compile("summary: (\\d+) refusals of type (\\S+) from client=(\\S+) ");
    private static final int GARBAGE = 300;

    @TempDir
    Path data;

    @Test
    void aFloodOfBadTokensHidesNoAdminGuessAndDropsNothingSilently() throws Exception {
        try (TestBroker broker = TestBroker.start(data)) {
            int port = broker.broker().port();
            try (var flooder = new LoopbackClient(InetAddress.getByName("127.0.2.1"), port);
                 var guesser = new LoopbackClient(InetAddress.getByName("127.0.2.2"), port)) {
                for (int i = 0; i < GARBAGE; i++) {
                    assertEquals(401, flooder.exchange(LoopbackClient.post("/v1/delegate", "application/json", "{}",
                            "Bearer garbage." + i + ".token")));
                    if (i % 100 == 50) {   // a guess in the thick of the flood
                        assertEquals(401, guesser.exchange(LoopbackClient.post("/v1/admin/auth", "application/json",
                                "{\"secret\":\"guess-" + i + "\"}", null)));
                    }
                }
            }
            broker.broker().audit().flushDropped();
            String admin = broker.adminToken();

            List<JsonObject> guesses = events(broker, admin, "admin_auth_failed");
            assertEquals(3, guesses.size(), "every guess at the admin secret is in the log: " + guesses);
            assertTrue(guesses.stream().allMatch(e -> e.getString("detail").endsWith("client=127.0.2.2")),
                    "with the address it came from");

            long individually = 0;
            long summarized = 0;
            for (JsonObject e : events(broker, admin, "token_auth_failed")) {
                Matcher m = SUMMARY.matcher(e.getString("detail"));
                if (m.find()) {
                    assertEquals("127.0.2.1", m.group(3));
                    summarized += Long.parseLong(m.group(1));
                } else if (e.getString("detail").endsWith("client=127.0.2.1")) {
                    individually++;
                }
            }
            assertTrue(summarized > 0, "the flood went over its budget");
            assertEquals(GARBAGE, individually + summarized, "each refusal is an event or counted in a summary");
            assertTrue(broker.get("/v1/audit/verify", admin).json().getBoolean("valid"), "summaries are in the chain");
        }
    }

    private static List<JsonObject> events(TestBroker broker, String admin, String type) {
        return broker.get("/v1/audit/events?limit=1000&event_type=" + type, admin).json().getJsonArray("events")
                .stream().map(JsonValue::asJsonObject).toList();
    }
}
