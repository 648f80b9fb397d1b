package dev.mandate.server;

import dev.mandate.server.storage.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;

import static dev.mandate.server.StartupFailureTest.assertContains;
import static dev.mandate.server.StartupFailureTest.failsToStart;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker on PostgreSQL, selected by MANDATE_DATABASE_URL (issue 14): the whole restart check on a real
 * server that asks for a password, nothing of the database left in the data directory, and a database that
 * cannot be used at start ends the process with one line naming the cause and the setting.
 */
class PostgresBrokerTest {

    private static final String PASSWORD = "pg-test-password-5d1c93";

    @TempDir
    static Path serverDir;
    private static TestPostgres server;

    @TempDir
    Path data;

    @BeforeAll
    static void startServer() throws Exception {
        TestBroker.SECRETS.add(PASSWORD);
        server = TestPostgres.start(serverDir, PASSWORD);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    private Map<String, String> env(String url, String password) throws Exception {
        Path file = data.resolve("database-password-" + System.nanoTime());
        Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------"))), password + "\n");
        return Map.of("MANDATE_DATABASE_URL", url, "MANDATE_DATABASE_USER", server.user(),
                "MANDATE_DATABASE_PASSWORD_FILE", file.toString());
    }

    @Test
    void aBrokerOnPostgresqlKeepsEverythingAcrossARestartAndNoDatabaseInItsDataDirectory() throws Exception {
        RestartTest.survivesRestart(data, env(server.url(), PASSWORD));
        try (Stream<Path> files = Files.walk(data)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("mandate.")),
                    "no H2 file in the data directory");
        }
    }

    @Test
    void aNulInAnyTextIsABadRequestNotAnOutage() throws Exception {
        // PostgreSQL refuses U+0000 in text (SQLSTATE 22021), which the broker answered as an outage (503);
        // H2 stores it. Bad input is a 400 on either, before anything is written.
        try (TestBroker broker = TestBroker.start(data.resolve("nul"), env(server.url(), PASSWORD))) {
            String admin = broker.adminToken();
            Problem.assertProblem(broker.post("/v1/admin/launch-tokens",
                    "{\"agent_name\":\"a\\u0000b\",\"allowed_scope\":[\"read:data:*\"]}", admin), 400, "invalid_request",
                    "/v1/admin/launch-tokens");
            Problem.assertProblem(broker.post("/v1/admin/apps", "{\"name\":\"nul-app\",\"scopes\":[\"read:data:\\u0000\"]}", admin),
                    400, "invalid_request", "/v1/admin/apps");
            Problem.assertProblem(broker.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(broker.url() + "/v1/oauth/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=x%00")), null, Map.of()),
                    400, "invalid_request", "/v1/oauth/token");
            Problem.assertProblem(broker.get("/v1/audit/events?agent_id=%00", admin), 400, "invalid_request", "/v1/audit/events");
            Problem.assertProblem(broker.get("/v1/admin/agents?orch_id=a%00", admin), 400, "invalid_request", "/v1/admin/agents");
            assertEquals(200, broker.get("/v1/health", null).status(), "still healthy");
        }
    }

    @Test
    void agentsByTimeLeftArePagedFromTheIndexOnPostgresqlAsTheWholeOrderSays() throws Exception {
        try (TestBroker broker = TestBroker.start(data.resolve("by-time-left"), env(server.url(), PASSWORD))) {
            String admin = broker.adminToken();
            for (int ttl : new int[]{600, 60, 300, 120}) {
                String launch = broker.launchToken(admin, "[\"read:data:*\"]", "\"max_ttl\":" + ttl);
                assertEquals(200, broker.post("/v1/register", TestBroker.registration(launch, broker.nonce(), TestBroker.ed25519(),
                        "pg", "ttl-" + ttl, "[\"read:data:x\"]"), null).status());
            }
            for (String order : new String[]{"asc", "desc"}) {
                // Unfiltered and paged: the live agents are read from tokens_live_own; the whole list is the general query.
                java.util.List<String> whole = agentIds(broker, admin, "sort=expires&order=" + order + "&limit=1000");
                assertEquals(4, whole.size());
                for (int offset = 0; offset < 4; offset++) {
                    assertEquals(whole.subList(offset, Math.min(offset + 2, 4)),
                            agentIds(broker, admin, "sort=expires&order=" + order + "&limit=2&offset=" + offset), order + " " + offset);
                }
            }
        }
    }

    private static java.util.List<String> agentIds(TestBroker broker, String admin, String query) {
        var r = broker.get("/v1/admin/agents?" + query, admin);
        assertEquals(200, r.status(), r.toString());
        return r.json().getJsonArray("agents").stream().map(v -> v.asJsonObject().getString("agent_id")).toList();
    }

    @Test
    void aRefusedPasswordEndsTheProcessWithStatus5AndNeverPrintsIt() throws Exception {
        String line = failsToStart(data, env(server.url(), "wrong-password-0b9e"), 5);
        assertContains(line, "refused user mandate", "password authentication failed", "MANDATE_DATABASE_PASSWORD_FILE");
        assertFalse(line.contains("wrong-password-0b9e"), line);
    }

    @Test
    void anUnreachableServerEndsTheProcessWithStatus5() throws Exception {
        int closed;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        String line = failsToStart(data, env("jdbc:postgresql://127.0.0.1:" + closed + "/mandate", PASSWORD), 5);
        assertContains(line, "cannot be reached", "MANDATE_DATABASE_URL", "127.0.0.1:" + closed);
    }

    @Test
    void aMissingDatabaseEndsTheProcessWithStatus5() throws Exception {
        String line = failsToStart(data, env(server.url("no_such_db"), PASSWORD), 5);
        assertContains(line, "does not exist", "no_such_db", "MANDATE_DATABASE_URL");
    }

    @Test
    void aUrlOfAnotherDatabaseOrWithThePasswordInItIsAConfigurationError() throws Exception {
        assertContains(failsToStart(data, Map.of("MANDATE_DATABASE_URL", "jdbc:mysql://127.0.0.1/mandate"), 2),
                "MANDATE_DATABASE_URL", "jdbc:postgresql://");
        String line = failsToStart(data, Map.of("MANDATE_DATABASE_URL", server.url() + "?password=" + PASSWORD), 2);
        assertContains(line, "must not hold the password");
        assertFalse(line.contains(PASSWORD), line);
    }

    @Test
    void aPasswordFileOthersCanReadIsRefused() throws Exception {
        Map<String, String> env = env(server.url(), PASSWORD);
        Path file = Path.of(env.get("MANDATE_DATABASE_PASSWORD_FILE"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        String line = failsToStart(data, env, 2);
        assertContains(line, "readable by group or others", "chmod 600");
        assertEquals(-1, line.indexOf(PASSWORD));
    }
}
