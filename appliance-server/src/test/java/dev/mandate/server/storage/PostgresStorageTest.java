package dev.mandate.server.storage;

import dev.mandate.server.audit.Audit;
import dev.mandate.server.audit.AuditLog;
import dev.mandate.server.journal.Event;
import dev.mandate.server.journal.EventLog;
import dev.mandate.server.journal.Journal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The database layer on a real PostgreSQL server (issue 14): group commit where a failing change is undone
 * alone (on PostgreSQL an error aborts the whole transaction unless the change's savepoint is rolled back),
 * generated sequence numbers for events, the audit hash chain, and a write after reads on pooled connections.
 */
class PostgresStorageTest {

    @TempDir
    Path dir;

    @Test
    void groupCommitEventsAndTheAuditChainWorkOnPostgresql() throws Exception {
        try (TestPostgres server = TestPostgres.start(dir)) {
            Database db = Database.openPostgres(server.url(), server.user(), "", new SimpleMeterRegistry());
            try {
                // Reads first: their pooled connections are read-only, and the writer may draw one of them.
                for (int i = 0; i < 5; i++) {
                    assertEquals(Optional.empty(), db.read(tx -> get(tx, "a")));
                }
                CountDownLatch busy = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                CompletableFuture<Object> first = CompletableFuture.supplyAsync(() -> db.write(tx -> {
                    busy.countDown();
                    await(release);
                    return put(tx, "first");
                }));
                await(busy);
                List<CompletableFuture<Object>> batch = new ArrayList<>();
                batch.add(CompletableFuture.supplyAsync(() -> db.write(tx -> put(tx, "a"))));
                WriterQueue.awaitQueued(db, 1);
                batch.add(CompletableFuture.supplyAsync(() -> db.write(tx -> put(tx, "a"))));   // duplicate key
                WriterQueue.awaitQueued(db, 2);
                batch.add(CompletableFuture.supplyAsync(() -> db.write(tx -> put(tx, "b"))));
                WriterQueue.awaitQueued(db, 3);
                release.countDown();
                assertEquals(1, first.get(10, TimeUnit.SECONDS));
                assertEquals(1, batch.get(0).get(10, TimeUnit.SECONDS));
                Throwable duplicate = assertThrows(java.util.concurrent.ExecutionException.class,
                        () -> batch.get(1).get(10, TimeUnit.SECONDS)).getCause();
                assertInstanceOf(StorageException.class, duplicate);
                assertEquals(1, batch.get(2).get(10, TimeUnit.SECONDS), "the change after the failing one committed");
                assertEquals(Optional.of("1"), db.read(tx -> get(tx, "b")));

                Clock clock = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);
                AuditLog audit = new AuditLog(db, clock::millis);
                EventLog events = new EventLog(db, clock);
                Journal journal = new Journal(db, audit, events);
                for (int i = 1; i <= 3; i++) {
                    String agent = "spiffe://mandate.local/agent/o/t/" + i;
                    db.write(tx -> {
                        journal.record(tx, Audit.success("agent_registered", "agent_name=a").agent(agent, "t", "o"),
                                new Event.AgentRegistered(agent, "t", "o"));
                        return null;
                    });
                }
                assertEquals(List.of(1L, 2L, 3L), events.since(0, 10).stream().map(Event.Recorded::seq).toList());
                assertEquals(3, audit.count());
                assertTrue(audit.verify().valid(), "the audit chain verifies on PostgreSQL");
            } finally {
                db.close();
            }
        }
    }


    /**
     * Brokers sharing a database take one write lock per batch: a node frozen inside its batch (paused,
     * partitioned) must not hold it for long. The server ends the frozen session after the idle limit, the
     * other node's write goes through, and the frozen node's batch is refused; having changed nothing in
     * memory, the frozen node writes again once it runs.
     */
    @Test
    void afterARestartOfTheServerEveryReadSucceedsThoughThePoolHeldConnectionsFromBeforeIt() throws Exception {
        try (TestPostgres server = TestPostgres.start(dir)) {
            Database db = Database.openPostgres(server.url(), server.user(), "", new SimpleMeterRegistry());
            try {
                // Four reads at once, each holding its connection until all four have one: four connections, idle in
                // the pool afterwards, whose server sessions the restart ends.
                CountDownLatch holding = new CountDownLatch(4);
                try (var readers = java.util.concurrent.Executors.newFixedThreadPool(4)) {
                    List<CompletableFuture<Optional<String>>> reads = new ArrayList<>();
                    for (int i = 0; i < 4; i++) {
                        reads.add(CompletableFuture.supplyAsync(() -> db.read(tx -> {
                            holding.countDown();
                            await(holding);
                            return get(tx, "a");
                        }), readers));
                    }
                    reads.forEach(CompletableFuture::join);
                }
                server.crash();
                server.resume();
                for (int i = 0; i < 6; i++) {
                    assertEquals(Optional.empty(), db.read(tx -> get(tx, "a")), "read " + (i + 1) + " after the restart");
                }
            } finally {
                db.close();
            }
        }
    }

    @Test
    void aWriterFrozenInsideItsBatchLosesTheClusterLockWithinTheLimit() throws Exception {
        try (TestPostgres server = TestPostgres.start(dir)) {
            CountDownLatch halted = new CountDownLatch(1);
            Database frozen = Database.openPostgres(server.url(), server.user(), "", new SimpleMeterRegistry(), halted::countDown);
            Database other = Database.openPostgres(server.url(), server.user(), "", new SimpleMeterRegistry(), () -> { });
            try {
                frozen.limitLockHolding(java.time.Duration.ofMillis(300), java.time.Duration.ofSeconds(5));
                other.limitLockHolding(java.time.Duration.ofMillis(300), java.time.Duration.ofSeconds(5));
                CountDownLatch inside = new CountDownLatch(1);
                CountDownLatch thaw = new CountDownLatch(1);
                CompletableFuture<Object> stuck = CompletableFuture.supplyAsync(() -> frozen.write(tx -> {
                    put(tx, "frozen");
                    inside.countDown();
                    await(thaw);   // frozen between two statements, the lock held
                    return put(tx, "frozen-2");
                }));
                await(inside);
                long started = System.nanoTime();
                assertEquals((Object) 1, other.write(tx -> put(tx, "other")));
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                assertTrue(waited < 2_000, "the other node waited " + waited + " ms for the lock, not the whole freeze");
                thaw.countDown();
                // Nothing of the frozen batch was in memory: it is refused (503) and the node goes on.
                assertInstanceOf(dev.mandate.server.error.Refusal.Unavailable.class, assertThrows(
                        java.util.concurrent.ExecutionException.class, () -> stuck.get(10, TimeUnit.SECONDS)).getCause());
                assertEquals(Optional.empty(), other.read(tx -> get(tx, "frozen")), "the frozen batch did not commit");
                assertEquals((Object) 1, frozen.write(tx -> put(tx, "thawed")), "the thawed node writes again");
                assertEquals(1, halted.getCount(), "and was not stopped");
            } finally {
                other.close();
                frozen.close();
            }
        }
    }

    /**
     * Two brokers on one database: a node catches up (runs its openers) at the start of its next batch
     * whenever the other wrote since its own last batch, also when its last batch was a change refused
     * alone (whose undo must not undo the batch's take of the cluster lock).
     */
    @Test
    void aNodeCatchesUpAfterTheOtherWroteEvenWhenItsOwnLastChangeWasRefused() throws Exception {
        try (TestPostgres server = TestPostgres.start(dir)) {
            Database a = Database.openPostgres(server.url(), server.user(), "", new SimpleMeterRegistry(), () -> { });
            Database b = Database.openPostgres(server.url(), server.user(), "", new SimpleMeterRegistry(), () -> { });
            try {
                java.util.concurrent.atomic.AtomicInteger caughtUp = new java.util.concurrent.atomic.AtomicInteger();
                a.onEachBatch(tx -> caughtUp.incrementAndGet());
                a.write(tx -> put(tx, "first"));
                a.write(tx -> put(tx, "second"));
                assertEquals(1, caughtUp.get(), "no one else wrote: nothing to catch up on");
                assertThrows(IllegalStateException.class, () -> a.write(tx -> {
                    put(tx, "refused");
                    throw new IllegalStateException("refused");
                }));
                b.write(tx -> put(tx, "by the other node"));
                a.write(tx -> put(tx, "third"));
                assertEquals(2, caughtUp.get(), "the other node's write was caught up with");
            } finally {
                a.close();
                b.close();
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object put(Database.Tx tx, String name) {
        return tx.update("INSERT INTO settings (setting_name, setting_value) VALUES (?, '1')", name);
    }

    private static Optional<String> get(Database.Tx tx, String name) {
        return tx.first("SELECT setting_value FROM settings WHERE setting_name = ?", rs -> rs.getString(1), name);
    }
}
