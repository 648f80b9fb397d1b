package dev.mandate.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Settings mapped by Helidon Config: typed values, and one clear message for a wrong one. */
class SettingsTest {

    @TempDir
    Path dir;

    @Test
    void theDefaultsAreTypedValues() throws Exception {
        Settings s = load("{}");
        assertEquals(Duration.ofMinutes(5), s.adminTtl());
        assertEquals(Optional.empty(), s.rotationPeriod());
        assertEquals(Duration.ofSeconds(15), s.eventHeartbeat());
    }

    @Test
    void durationsAndNumbersFromTheFileAreMapped() throws Exception {
        Settings s = load("""
                token: { admin-ttl: PT90S, verified-cache-size: 1234 }
                keys: { rotation-period: P7D }
                events: { heartbeat: PT2S }
                rate-limits: { register: { rate: 7, period: PT1M, burst: 9 } }
                """);
        assertEquals(Duration.ofSeconds(90), s.adminTtl());
        assertEquals(1234, s.verifiedCacheSize());
        assertEquals(Optional.of(Duration.ofDays(7)), s.rotationPeriod());
        assertEquals(Duration.ofSeconds(2), s.eventHeartbeat());
        assertEquals(new Settings.RateLimit(7, Duration.ofMinutes(1), 9), s.registerLimit());
    }

    @Test
    void aWrongValueIsRefusedWithTheSettingNamed() {
        assertEquals("setting 'token.admin-ttl' must be an ISO-8601 duration such as PT60S, not '5 minutes'",
                refused("token: { admin-ttl: 5 minutes }"));
        assertEquals("token.verified-cache-size must be a whole number, not 'many'",
                refused("token: { verified-cache-size: many }"));
        assertEquals("hsm.max-concurrent-signatures must be 1 to 256, not 0",
                refused("hsm: { max-concurrent-signatures: 0 }"));
        assertEquals("setting 'events.heartbeat' must be positive", refused("events: { heartbeat: PT0S }"));
        assertEquals("setting 'events.heartbeat' must be at most PT15S (SPEC §2.4)", refused("events: { heartbeat: PT16S }"));
        assertEquals("setting 'keys.rotation-period' must be positive", refused("keys: { rotation-period: -P1D }"));
    }

    private String refused(String yaml) {
        return assertThrows(IllegalArgumentException.class, () -> load(yaml)).getMessage();
    }

    private Settings load(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("mandate-" + System.nanoTime() + ".yaml"), yaml);
        return Settings.load(Map.of("MANDATE_CONFIG", file.toString(), "MANDATE_DATA_DIR", dir.toString()));
    }
}
