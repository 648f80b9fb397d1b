package dev.mandate.server.storage;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The writer's queue of a database, as tests that hold the writer see it fill. */
final class WriterQueue {

    private WriterQueue() {
    }

    /** Waits (at most 10 s) until {@code n} changes wait behind the writer, and asserts they do. */
    static void awaitQueued(Database db, int n) throws ReflectiveOperationException {
        var field = Database.class.getDeclaredField("queue");
        field.setAccessible(true);
        var queue = (BlockingQueue<?>) field.get(db);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (queue.size() < n && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(n, queue.size(), "the changes queued behind the busy writer");
    }
}
