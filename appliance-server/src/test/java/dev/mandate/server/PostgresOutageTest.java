package dev.mandate.server;

import dev.mandate.server.storage.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The database lost while the broker runs (issue 14): issuing answers 503, validation goes on from memory
 * only within the staleness bound and then answers 503 (never a stale "valid"), nothing answers 500, and
 * once the database is back the broker serves again by itself.
 */
class PostgresOutageTest {

    @TempDir
    Path serverDir;
    @TempDir
    Path data;

    @Test
    void whileTheDatabaseIsDownIssuingIs503ValidationFailsClosedAfterTheBoundAndTheBrokerRecoversByItself() throws Exception {
        try (TestPostgres server = TestPostgres.start(serverDir);
             TestBroker broker = TestBroker.start(Files.createDirectories(data.resolve("node")),
                     Map.of("MANDATE_DATABASE_URL", server.url(), "MANDATE_DATABASE_USER", server.user()))) {
            String admin = broker.adminToken();
            var agent = broker.registerAgent(admin, "orch", "outage", "[\"read:data:*\"]");
            String refusedForNow = TestBroker.registration(broker.launchToken(admin, "[\"read:data:*\"]", ""), broker.nonce(),
                    TestBroker.ed25519(), "orch", "later", "[\"read:data:x\"]");

            server.crash();
            assertEquals(503, broker.post("/v1/register", refusedForNow, null).status());
            long lost = System.nanoTime();
            var launch = broker.post("/v1/admin/launch-tokens", "{\"agent_name\":\"w\",\"allowed_scope\":[\"read:data:*\"]}", admin);
            assertEquals(503, launch.status(), "issuing without a database: " + launch);
            assertEquals("1", launch.header("Retry-After"));
            assertEquals(503, broker.post("/v1/token/renew", null, agent.token()).status());
            assertEquals(503, broker.get("/v1/health", null).status());
            assertEquals(503, broker.get("/v1/admin/agents", admin).status(), "a read without a database is 503, not 500");

            // Within the bound, memory may still answer; past it (2 s), validation is refused.
            LockSupport.parkNanos(lost + TimeUnit.MILLISECONDS.toNanos(2_600) - System.nanoTime());
            var stale = broker.post("/v1/token/validate", "{\"token\":\"" + agent.token() + "\"}", null);
            assertEquals(503, stale.status(), "past the staleness bound a node without its database answers no verdict: " + stale);
            assertFalse(broker.bearerAcceptsOr503(agent.token()), "Bearer routes too");

            server.resume();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            int status = 0;
            while (System.nanoTime() < deadline && status != 200) {
                status = broker.post("/v1/token/validate", "{\"token\":\"" + agent.token() + "\"}", null).status();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
            assertEquals(200, status, "validation works again once the database is back");
            assertTrue(broker.valid(agent.token()));
            assertEquals(200, broker.post("/v1/register", refusedForNow, null).status(),
                    "a registration refused as unavailable did not spend its nonce: the agent's retry registers");
            var again = broker.registerAgent(admin, "orch", "after", "[\"read:data:*\"]");
            assertTrue(broker.valid(again.token()), "issuing works again");
            assertEquals(200, broker.get("/v1/health", null).status());
            assertTrue(broker.get("/v1/audit/verify", admin).json().getBoolean("valid"));
        }
    }
}
