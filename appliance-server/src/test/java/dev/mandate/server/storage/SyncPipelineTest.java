package dev.mandate.server.storage;

import dev.mandate.server.journal.Event;
import dev.mandate.server.journal.EventLog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writer and the syncer as a pipeline (issue 13), against H2 on disk with the real fdatasync held back
 * at will: while one batch's sync is on its way to the device, the writer commits the next batch, and no
 * change is answered before a sync that began after its commit has finished.
 */
class SyncPipelineTest {

    @TempDir
    Path dir;

    private final CountDownLatch firstSyncStarted = new CountDownLatch(1);
    private final CountDownLatch releaseSyncs = new CountDownLatch(1);

    /** The database in {@code dir}, whose syncs wait for {@link #releaseSyncs}. */
    private Database heldDatabase() {
        return Database.open(dir, new SimpleMeterRegistry(), (file, meters) -> new HeldSync(file, meters,
                firstSyncStarted, releaseSyncs), () -> { });
    }

    @Test
    void theNextBatchCommitsWhileASyncIsUnderwayAndNothingIsAnsweredBeforeItsOwnSync() throws Exception {
        Database db = heldDatabase();
        try {
            CompletableFuture<Object> a = CompletableFuture.supplyAsync(() -> db.write(tx -> put(tx, "a")));
            assertTrue(firstSyncStarted.await(10, TimeUnit.SECONDS), "a's batch was committed and its sync began");
            assertEquals(Optional.of("1"), db.read(tx -> get(tx, "a")), "a is committed");
            assertFalse(a.isDone(), "a is not answered while its sync is underway");

            CompletableFuture<Object> b = CompletableFuture.supplyAsync(() -> db.write(tx -> put(tx, "b")));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (db.read(tx -> get(tx, "b")).isEmpty() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(Optional.of("1"), db.read(tx -> get(tx, "b")),
                    "the writer committed b's batch while a's sync was held: the sync is not in the writer's loop");
            assertFalse(a.isDone(), "a still waits for its sync");
            assertFalse(b.isDone(), "b is committed but no sync has covered it");

            releaseSyncs.countDown();
            assertEquals(1, a.get(10, TimeUnit.SECONDS));
            assertEquals(1, b.get(10, TimeUnit.SECONDS));
        } finally {
            releaseSyncs.countDown();
            db.close();
        }
    }

    @Test
    void theWriterRunsAtMostFourBatchesAheadOfTheDevice() throws Exception {
        Database db = heldDatabase();
        try {
            List<CompletableFuture<Object>> writes = new java.util.ArrayList<>();
            for (int i = 0; i <= Database.UNSYNCED_BATCHES; i++) {
                String name = "w" + i;
                writes.add(CompletableFuture.supplyAsync(() -> db.write(tx -> put(tx, name))));
                if (i < Database.UNSYNCED_BATCHES) {
                    awaitCommitted(db, name);   // each its own batch: the one before it is committed already
                }
            }
            // The fifth waits for a permit that only an answered batch returns: a second is ample for it to
            // commit if nothing held it.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() < deadline) {
                assertEquals(Optional.empty(), db.read(tx -> get(tx, "w" + Database.UNSYNCED_BATCHES)),
                        "a fifth batch was committed while four waited for the device");
                Thread.onSpinWait();
            }
            releaseSyncs.countDown();
            for (CompletableFuture<Object> w : writes) {
                assertEquals(1, w.get(10, TimeUnit.SECONDS));
            }
        } finally {
            releaseSyncs.countDown();
            db.close();
        }
    }

    private static void awaitCommitted(Database db, String name) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (db.read(tx -> get(tx, name)).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, name + " was committed");
            Thread.onSpinWait();
        }
    }

    /**
     * A stream that resumes replays only events that are on the device: one replayed before its sync could
     * be lost with a power cut, and its sequence number then given to another event, which the client, past
     * that number already, would never see.
     */
    @Test
    void replayHoldsBackEventsWhoseSyncIsUnderway() throws Exception {
        Database db = heldDatabase();
        try {
            EventLog events = new EventLog(db, java.time.Clock.systemUTC());
            EventLog.Subscriber live = events.subscribe(10);
            Event revoked = new Event.TokenRevoked("token", "0123456789abcdef0123456789abcdef", 1);
            CompletableFuture<Object> write = CompletableFuture.supplyAsync(() -> db.write(tx -> {
                events.record(tx, revoked);
                return null;
            }));
            assertTrue(firstSyncStarted.await(10, TimeUnit.SECONDS));
            assertEquals(List.of(), events.since(0, 10), "not replayed while its sync is underway");
            assertEquals(null, live.poll(0), "nor published");
            releaseSyncs.countDown();
            write.get(10, TimeUnit.SECONDS);
            assertEquals(List.of(revoked), events.since(0, 10).stream().map(Event.Recorded::event).toList());
            assertEquals(revoked, live.poll(1000).event());
        } finally {
            releaseSyncs.countDown();
            db.close();
        }
    }

    @Test
    void aFailedSyncAnswersNothingItCoveredRefusesEveryLaterWriteAndStopsTheBroker() throws Exception {
        CountDownLatch halted = new CountDownLatch(1);
        Database db = Database.open(dir, new SimpleMeterRegistry(), (file, meters) -> new Durability(file, meters) {
            @Override
            void force() throws IOException {
                throw new IOException("Input/output error (the device went away)");
            }
        }, halted::countDown);
        try {
            StorageException refused = assertThrows(StorageException.class, () -> db.write(tx -> put(tx, "a")));
            assertTrue(refused.getCause().getMessage().contains("could not be synced to its device"),
                    refused.getCause().getMessage());
            assertTrue(halted.await(10, TimeUnit.SECONDS), "the broker is stopped (exit status 5)");
            long started = System.nanoTime();
            assertThrows(StorageException.class, () -> db.write(tx -> put(tx, "b")));
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5), "a later write is refused at once");
        } finally {
            db.close();
        }
    }

    /** A durability whose fdatasyncs wait for {@code release} (each still forces the real file). */
    private static final class HeldSync extends Durability {
        private final CountDownLatch started;
        private final CountDownLatch release;

        HeldSync(Path file, MeterRegistry meters, CountDownLatch started, CountDownLatch release) throws IOException {
            super(file, meters);
            this.started = started;
            this.release = release;
        }

        @Override
        void force() throws IOException {
            started.countDown();
            try {
                assertTrue(release.await(10, TimeUnit.SECONDS), "the test released the sync");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            super.force();
        }
    }

    private static Object put(Database.Tx tx, String name) {
        return tx.update("INSERT INTO settings (setting_name, setting_value) VALUES (?, '1')", name);
    }

    private static Optional<String> get(Database.Tx tx, String name) {
        return tx.first("SELECT setting_value FROM settings WHERE setting_name = ?", rs -> rs.getString(1), name);
    }
}
