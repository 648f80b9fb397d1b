package dev.mandate.console;

import dev.mandate.console.fx.Handover;
import dev.mandate.console.fx.Tasks;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A view built off the FX thread: whose UI work runs where, before and after the hand-over. */
class HandoverTest {

    /** Stands for the FX thread: what is sent there, in order, run only when the test says. */
    private static final class FxQueue implements Tasks {
        final List<Runnable> sent = new CopyOnWriteArrayList<>();

        @Override
        public void background(Runnable work) {
            Thread.ofVirtual().start(work);
        }

        @Override
        public void fx(Runnable work) {
            sent.add(work);
        }

        @Override
        public void later(Duration delay, Runnable work) {
            background(work);
        }
    }

    @Test
    void theBuildersOwnUiWorkRunsAtOnceOnItsThreadAndOtherThreadsWorkWaitsForTheHandOverInOrder() throws Exception {
        FxQueue fx = new FxQueue();
        Handover tasks = new Handover(fx);
        List<String> ran = new ArrayList<>();
        tasks.fx(() -> ran.add("builder"));
        assertEquals(List.of("builder"), ran);
        Thread other = Thread.ofPlatform().start(() -> {
            tasks.fx(() -> ran.add("answer 1"));
            tasks.fx(() -> ran.add("answer 2"));
        });
        other.join();
        assertEquals(List.of("builder"), ran, "an answer from another thread does not touch the view while it is built");
        assertTrue(fx.sent.isEmpty());

        tasks.handOver();
        assertEquals(2, fx.sent.size(), "what waited goes to the FX thread at the hand-over");
        tasks.fx(() -> ran.add("after"));
        fx.sent.forEach(Runnable::run);
        assertEquals(List.of("builder", "answer 1", "answer 2", "after"), ran);

        tasks.fx(() -> ran.add("builder, after"));
        assertFalse(ran.contains("builder, after"), "after the hand-over the builder's thread no longer runs UI work");
    }

    @Test
    void theBuilderRunsWhatWaitsUntilItHasTheAnswersItNeedsAndGivesUpAfterItsPatience() throws Exception {
        FxQueue fx = new FxQueue();
        Handover tasks = new Handover(fx);
        List<String> ran = new CopyOnWriteArrayList<>();
        tasks.background(() -> tasks.fx(() -> ran.add("page")));
        assertTrue(tasks.runWaitingUntil(() -> ran.contains("page"), Duration.ofSeconds(30)));
        assertEquals(List.of("page"), ran);

        assertFalse(tasks.runWaitingUntil(() -> ran.contains("never"), Duration.ofMillis(50)),
                "an answer that does not come is not waited for past the patience");
        tasks.handOver();
        assertTrue(fx.sent.isEmpty(), "what the builder ran is not run again");
    }

    @Test
    void anAnswerLaterThanThePatienceGoesToTheFxThreadAtTheHandOver() throws Exception {
        FxQueue fx = new FxQueue();
        Handover tasks = new Handover(fx);
        List<String> ran = new CopyOnWriteArrayList<>();
        assertFalse(tasks.runWaitingUntil(() -> !ran.isEmpty(), Duration.ofMillis(20)));
        Thread late = Thread.ofPlatform().start(() -> tasks.fx(() -> ran.add("late page")));
        late.join();
        assertTrue(ran.isEmpty());
        tasks.handOver();
        fx.sent.forEach(Runnable::run);
        assertEquals(List.of("late page"), ran, "nothing asked before the hand-over is lost");
    }

    @Test
    void uiWorkTheBuilderAsksForWhileRunningAnAnswerRunsAtOnceAndAFailingAnswerDoesNotStopTheRest() throws Exception {
        FxQueue fx = new FxQueue();
        Handover tasks = new Handover(fx);
        List<String> ran = new CopyOnWriteArrayList<>();
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        Thread.UncaughtExceptionHandler before = Thread.currentThread().getUncaughtExceptionHandler();
        Thread.currentThread().setUncaughtExceptionHandler((t, e) -> reported.add(e));
        try {
            Thread other = Thread.ofPlatform().start(() -> {
                tasks.fx(() -> {
                    throw new IllegalStateException("a listener failed");
                });
                tasks.fx(() -> {
                    ran.add("page");
                    tasks.fx(() -> ran.add("asked by the page"));   // a refresh the page's listeners ask for
                    ran.add("page done");
                });
            });
            other.join();
            assertTrue(tasks.runWaitingUntil(() -> ran.contains("page done"), Duration.ofSeconds(30)));
        } finally {
            Thread.currentThread().setUncaughtExceptionHandler(before);
        }
        assertEquals(List.of("page", "asked by the page", "page done"), ran);
        assertEquals(1, reported.size(), "the failure is reported, as the FX thread reports one");
        assertEquals("a listener failed", reported.getFirst().getMessage());
    }

    @Test
    void onlyTheBuildersThreadMayRunTheViewsWork() throws Exception {
        Handover tasks = new Handover(new FxQueue());
        Throwable[] thrown = new Throwable[1];
        Thread other = Thread.ofPlatform().start(() -> thrown[0] = assertThrows(IllegalStateException.class,
                () -> tasks.runWaitingUntil(() -> true, Duration.ZERO)));
        other.join();
        assertTrue(thrown[0] instanceof IllegalStateException);
    }
}
