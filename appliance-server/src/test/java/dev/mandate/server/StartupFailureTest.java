package dev.mandate.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A broker that cannot do its job says why on one line and exits non-zero at once, so a supervisor
 * ({@code Restart=on-failure}) and a script see the failure, and an operator reads the setting to change.
 */
class StartupFailureTest {

    /** JVM start, HSM login and database open take a second or two here; a few seconds is the promise. */
    private static final long PROMPT_SECONDS = 15;

    @TempDir
    Path data;

    @Test
    void aPortInUseEndsTheProcessWithStatus3() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String line = failsToStart(Map.of("MANDATE_PORT", Integer.toString(taken.getLocalPort())), 3);
            assertContains(line, "cannot listen on 127.0.0.1:" + taken.getLocalPort(), "in use", "MANDATE_PORT");
        }
    }

    @Test
    void aRefusedHsmLoginEndsTheProcessWithStatus4() throws Exception {
        Path pin = data.resolve("wrong-pin");
        Files.writeString(Files.createFile(pin, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------"))), "wrong-pin-4711\n");
        String line = failsToStart(Map.of("MANDATE_HSM_PIN_FILE", pin.toString()), 4);
        assertContains(line, "HSM login", "CKR_PIN_INCORRECT", "MANDATE_HSM_PIN_FILE");
        assertFalse(line.contains("wrong-pin-4711"), "the PIN is never printed");
    }

    @Test
    void aMissingPkcs11LibraryEndsTheProcessWithStatus4() throws Exception {
        String line = failsToStart(Map.of("MANDATE_PKCS11_LIBRARY", "/nonexistent/libpkcs11.so"), 4);
        assertContains(line, "PKCS#11 library not found", "MANDATE_PKCS11_LIBRARY");
    }

    @Test
    void aDatabaseLockedByAnotherBrokerEndsTheProcessWithStatus5() throws Exception {
        try (BrokerProcess first = BrokerProcess.start(data, Map.of())) {
            String url = first.awaitListening();
            String line = failsToStart(Map.of(), 5);
            assertContains(line, "locked by another process", "MANDATE_DATA_DIR", data.toString());
            assertEquals(200, TestBroker.remote(url).get("/v1/health", null).status(), "the first broker is unharmed");
        }
    }

    @Test
    void anUnreadableConfigFileEndsTheProcessWithStatus2() throws Exception {
        String line = failsToStart(Map.of("MANDATE_CONFIG", data.resolve("missing.yaml").toString()), 2);
        assertContains(line, "MANDATE_CONFIG", "missing.yaml", "cannot be read");
    }

    @Test
    void aConfigFileThatIsNotYamlEndsTheProcessWithStatus2() throws Exception {
        Path config = Files.writeString(data.resolve("broken.yaml"), "token:\n  max-ttl: [PT1H\n   - : :\n");
        String line = failsToStart(Map.of("MANDATE_CONFIG", config.toString()), 2);
        assertContains(line, "configuration");
    }

    @Test
    void anInvalidSettingEndsTheProcessNamingIt() throws Exception {
        Path config = Files.writeString(data.resolve("bad-value.yaml"), "token:\n  max-ttl: forever\n");
        String line = failsToStart(Map.of("MANDATE_CONFIG", config.toString()), 2);
        assertContains(line, "token.max-ttl", "forever");
    }

    @Test
    void anUnreadableTlsCertificateEndsTheProcessWithStatus2() throws Exception {
        Path cert = Files.writeString(data.resolve("cert.pem"), "not a certificate\n");
        String line = failsToStart(Map.of("MANDATE_TLS_CERT", cert.toString(),
                "MANDATE_TLS_KEY", data.resolve("no-key.pem").toString()), 2);
        assertContains(line, "MANDATE_TLS_CERT");
    }

    @Test
    void aWeakAdminSecretIsRefusedAtStart() throws Exception {
        for (String weak : new String[]{"short-secret", "aaaaaaaaaaaaaaaaaaaaaaaa", "passwordpassword"}) {
            String line = failsToStart(Map.of("MANDATE_ADMIN_SECRET", weak), 2);
            assertContains(line, "MANDATE_ADMIN_SECRET");
            assertFalse(line.contains(weak), "the secret itself is not printed");
        }
    }

    /** Starts a broker with {@code env}; it must exit promptly with {@code status}; returns its one reason line. */
    private String failsToStart(Map<String, String> env, int status) throws Exception {
        return failsToStart(data, env, status);
    }

    /** The same for a broker on {@code data}. */
    static String failsToStart(Path data, Map<String, String> env, int status) throws Exception {
        BrokerProcess broker = BrokerProcess.start(data, env);
        try {
            int exit = broker.awaitExit(PROMPT_SECONDS);
            List<String> output = broker.output();
            String all = String.join("\n", output);
            assertEquals(status, exit, "exit status (-1: still running after " + PROMPT_SECONDS + " s):\n" + all);
            List<String> reasons = output.stream().filter(l -> l.startsWith("mandate: cannot start: ")).toList();
            assertEquals(1, reasons.size(), "exactly one line says why:\n" + all);
            assertFalse(all.contains("listening on"), "a failed start never claims to listen:\n" + all);
            assertTrue(output.stream().noneMatch(l -> l.matches("\\s+at .*") || l.startsWith("Caused by")),
                    "no stack trace unless MANDATE_DEBUG is set:\n" + all);
            return reasons.getFirst();
        } finally {
            broker.close();
        }
    }

    static void assertContains(String line, String... parts) {
        for (String part : parts) {
            assertTrue(line.contains(part), "'" + part + "' in: " + line);
        }
    }
}
