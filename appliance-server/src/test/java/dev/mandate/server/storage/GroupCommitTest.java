package dev.mandate.server.storage;

import dev.mandate.server.error.Refusal;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Group commit against H2 on disk: order, isolation of a failing change, and a writer that never leaves a caller waiting. */
class GroupCommitTest extends WithDatabase {

    @Test
    void queuedChangesCommitTogetherInOrderAndAFailingOneIsUndoneAlone() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        // Hold the writer in a first change while five more queue up behind it: they form the next batch.
        CompletableFuture<Object> first = holdWriter("first", release);
        List<String> seenBySecond = new ArrayList<>();
        List<CompletableFuture<Object>> batch = new ArrayList<>();
        batch.add(queue(tx -> put(tx, "a", "1")));
        batch.add(queue(tx -> {
            // A later change sees an earlier one of its batch, and memory followed it too.
            seenBySecond.add(get(tx, "a").orElse("missing"));
            tx.apply(() -> seenBySecond.add("applied"));
            return put(tx, "b", "1");
        }));
        batch.add(queue(tx -> {
            put(tx, "c", "1");
            tx.apply(() -> seenBySecond.add("must never run"));
            throw new IllegalStateException("this change fails");
        }));
        batch.add(queue(tx -> {
            put(tx, "d", "1");
            throw tx.commitThenThrow(Refusal.forbidden("refused, its audit kept"));
        }));
        batch.add(queue(tx -> put(tx, "e", get(tx, "c").orElse("c was undone"))));
        WriterQueue.awaitQueued(db, 5);
        release.countDown();
        first.get(10, TimeUnit.SECONDS);

        assertEquals(1, batch.get(0).get(10, TimeUnit.SECONDS));
        assertEquals(1, batch.get(1).get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, failure(batch.get(2)));
        assertInstanceOf(Refusal.Forbidden.class, failure(batch.get(3)));
        assertEquals(1, batch.get(4).get(10, TimeUnit.SECONDS));

        assertEquals(List.of("1", "applied"), seenBySecond);
        assertEquals(Optional.of("1"), db.read(tx -> get(tx, "a")));
        assertEquals(Optional.of("1"), db.read(tx -> get(tx, "b")));
        assertEquals(Optional.empty(), db.read(tx -> get(tx, "c")), "the failing change was undone alone");
        assertEquals(Optional.of("1"), db.read(tx -> get(tx, "d")), "a marked refusal keeps its writes");
        assertEquals(Optional.of("c was undone"), db.read(tx -> get(tx, "e")), "and the next change never saw them");
    }

    @Test
    void aFullQueueRefusesTheNextWriteAtOnceAndLosesNoneOfTheQueued() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Object> holding = holdWriter("holding", release);
        List<CompletableFuture<Object>> queued = new ArrayList<>();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < Database.QUEUE_CAPACITY; i++) {
                String name = "q" + i;
                queued.add(CompletableFuture.supplyAsync(() -> db.write(tx -> put(tx, name, "1")), threads));
            }
            WriterQueue.awaitQueued(db, Database.QUEUE_CAPACITY);
            long started = System.nanoTime();
            assertThrows(Refusal.Overloaded.class, () -> db.write(tx -> put(tx, "one-too-many", "1")));
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(1), "refused at once, not queued");
            release.countDown();
            assertEquals(1, holding.get(30, TimeUnit.SECONDS));
            for (CompletableFuture<Object> q : queued) {
                assertEquals(1, q.get(30, TimeUnit.SECONDS));
            }
        }
        assertEquals(Optional.empty(), db.read(tx -> get(tx, "one-too-many")), "the refused write changed nothing");
        assertEquals(Database.QUEUE_CAPACITY + 1L, (long) db.read(tx -> tx.first(
                "SELECT COUNT(*) FROM settings WHERE setting_name = 'holding' OR setting_name LIKE 'q%'",
                rs -> rs.getLong(1)).orElseThrow()), "every queued write committed");
    }

    @Test
    void anErrorInAChangeIsThatChangesFailureAndTheWriterGoesOn() {
        assertThrows(IllegalStateException.class, () -> db.write(tx -> {
            put(tx, "x", "1");
            throw new StackOverflowError("deep");
        }));
        assertEquals(Optional.empty(), db.read(tx -> get(tx, "x")));
        assertEquals(1, (int) db.write(tx -> put(tx, "y", "1")));
    }

    @Test
    void aWriteAfterCloseIsRefusedAtOnce() {
        db.close();
        long started = System.nanoTime();
        assertThrows(StorageException.class, () -> db.write(tx -> put(tx, "late", "1")));
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5), "refused, not left waiting");
    }

    @Test
    void aWriteFromInsideAWriteIsRefusedInsteadOfDeadlocking() {
        AtomicReference<Exception> inner = new AtomicReference<>();
        db.write(tx -> {
            try {
                db.write(t -> put(t, "nested", "1"));
            } catch (IllegalStateException e) {
                inner.set(e);
            }
            return null;
        });
        assertInstanceOf(IllegalStateException.class, inner.get());
    }

    /** A change that writes {@code name} once {@code release} opens; returns once the writer is running it. */
    private CompletableFuture<Object> holdWriter(String name, CountDownLatch release) {
        CountDownLatch busy = new CountDownLatch(1);
        CompletableFuture<Object> holding = CompletableFuture.supplyAsync(() -> db.write(tx -> {
            busy.countDown();
            await(release);
            return put(tx, name, "1");
        }));
        await(busy);
        return holding;
    }

    private CompletableFuture<Object> queue(Database.Work<Object> work) {
        return CompletableFuture.supplyAsync(() -> db.write(work));
    }


    private static Throwable failure(CompletableFuture<Object> f) {
        return assertThrows(java.util.concurrent.ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS)).getCause();
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object put(Database.Tx tx, String name, String value) {
        return tx.update("INSERT INTO settings (setting_name, setting_value) VALUES (?, ?)", name, value);
    }

    private static Optional<String> get(Database.Tx tx, String name) {
        return tx.first("SELECT setting_value FROM settings WHERE setting_name = ?", rs -> rs.getString(1), name);
    }
}
