package dev.mandate.server;

import dev.mandate.server.audit.AuditEvent;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs after every other test class of this module: no admin secret, client secret, launch token, PIN
 * or whole token that any test saw appears in the broker's logs or in any audit event.
 */
@Order(Integer.MAX_VALUE)
class LeakScanTest {

    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{20,}");

    @Test
    void noSecretOrWholeTokenInLogsOrAuditEvents() throws IOException {
        List<String> texts = new ArrayList<>();
        Path logs = Path.of("target");
        try (Stream<Path> files = Files.list(logs)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("test-broker-\\d+\\.log")).toList()) {
                texts.add(Files.readString(f));
            }
        }
        String logText = String.join("\n", texts);
        assertTrue(logText.contains("Mandate") || logText.contains("admin secret") || logText.contains("Helidon"),
                "the broker's log was captured");
        synchronized (TestBroker.AUDIT) {
            for (AuditEvent e : TestBroker.AUDIT) {
                texts.add(String.join("|", e.eventType(), e.agentId(), e.taskId(), e.orchId(), e.detail()));
            }
        }
        assertTrue(TestBroker.AUDIT.size() > 100, "the scan saw the audit events of the suite: " + TestBroker.AUDIT.size());
        assertTrue(TestBroker.SECRETS.size() > 50, "the scan knows the suite's secrets: " + TestBroker.SECRETS.size());
        assertTrue(TestBroker.SECRETS.stream().anyMatch(s -> JWT.matcher(s).matches()), "the JWT pattern finds real tokens");

        for (String text : texts) {
            for (String secret : TestBroker.SECRETS) {
                assertFalse(text.contains(secret), "a secret or token leaked into: "
                        + text.substring(0, Math.min(200, text.length())));
            }
            assertFalse(JWT.matcher(text).find(), "a whole JWT leaked");
        }
    }
}
