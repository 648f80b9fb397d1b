package dev.mandate.server;

import dev.mandate.server.audit.AuditLog;
import dev.mandate.server.error.Refusal;
import dev.mandate.server.journal.Event;
import dev.mandate.server.journal.EventLog;
import dev.mandate.server.journal.Journal;
import dev.mandate.server.revocation.LiveTokens;
import dev.mandate.server.storage.WithDatabase;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code token_expired} (SPEC §2.4) against H2 on disk: an expiry the writer cannot take now is sent later, never lost. */
class TokenExpiryTest extends WithDatabase {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final String AGENT = "spiffe://mandate.local/agent/o/t/1";
    private static final String JTI = "0123456789abcdef0123456789abcdef";

    @Test
    void anExpiryRefusedByABusyWriterIsSentOnTheNextTick() throws Exception {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        EventLog events = new EventLog(db, clock);
        Journal journal = new Journal(db, new AuditLog(db, clock::millis), events);
        LiveTokens live = new LiveTokens();
        live.add(new LiveTokens.Live(JTI, AGENT, "t", AGENT, null, new String[0], NOW.getEpochSecond() - 1,
                "k1"), NOW.getEpochSecond() - 1);

        // The writer is held in one change and its queue is full: the expiry's write is refused.
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Object> holding = CompletableFuture.supplyAsync(() -> db.write(tx -> {
            busy.countDown();
            await(release);
            return null;
        }));
        await(busy);
        List<CompletableFuture<Object>> queued = new ArrayList<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 4096; i++) {
                queued.add(CompletableFuture.supplyAsync(() -> db.write(tx -> null), threads));
            }
            var field = dev.mandate.server.storage.Database.class.getDeclaredField("queue");
            field.setAccessible(true);
            var queue = (java.util.concurrent.BlockingQueue<?>) field.get(db);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (queue.remainingCapacity() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(0, queue.remainingCapacity(), "the queue filled up");
            assertThrows(Refusal.Overloaded.class, () -> Main.expire(db, live, journal, clock));
            release.countDown();
            holding.get(30, TimeUnit.SECONDS);
            for (CompletableFuture<Object> q : queued) {
                q.get(30, TimeUnit.SECONDS);
            }
        }
        assertEquals(List.of(), events.since(0, 10), "nothing was sent while the writer refused");
        assertEquals(1, live.size(), "the expired token is still known, so the next tick sends it");

        Main.expire(db, live, journal, clock);
        assertEquals(List.of(new Event.TokenExpired(AGENT, "t", JTI)),
                events.since(0, 10).stream().map(Event.Recorded::event).toList());
        assertEquals(0, live.size());
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
