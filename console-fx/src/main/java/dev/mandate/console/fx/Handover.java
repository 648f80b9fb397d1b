package dev.mandate.console.fx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Where work runs for a view built off the FX thread, then handed to it.
 *
 * <p>Until {@link #handOver()}, the view belongs to the thread that builds it. UI work that thread asks for
 * runs at once, on that thread. UI work any other thread asks for waits: an answer from the broker, say, that
 * arrives while the view is still being built. At the hand-over, what waited goes to the FX thread in the order
 * it was asked. After that, UI work goes to the FX thread as {@code tasks} sends it. Before it, the builder may
 * run what waits itself ({@link #runWaitingUntil}): the first answers are then in the view when it shows.
 */
public final class Handover implements Tasks {

    private final Tasks tasks;
    private final Thread builder = Thread.currentThread();
    /** UI work asked for by other threads before the hand-over; null after it. */
    private List<Runnable> waiting = new ArrayList<>();

    /** Built on the thread that builds the view. {@code tasks}: where work runs once the FX thread has the view. */
    public Handover(Tasks tasks) {
        this.tasks = tasks;
    }

    @Override
    public void background(Runnable work) {
        tasks.background(work);
    }

    @Override
    public void later(Duration delay, Runnable work) {
        tasks.later(delay, work);
    }

    @Override
    public void fx(Runnable work) {
        synchronized (this) {
            if (waiting == null) {
                tasks.fx(work);
                return;
            }
            if (Thread.currentThread() != builder) {
                waiting.add(work);
                notifyAll();
                return;
            }
        }
        work.run();     // the builder's own thread, which owns the view until the hand-over
    }

    /**
     * On the builder's thread, before the hand-over: runs the UI work other threads ask for, as it arrives, until
     * {@code done} holds or {@code patience} has passed. True if {@code done} held. Work that throws is reported
     * to the thread's uncaught-exception handler, as the FX thread reports it, and the rest still runs.
     */
    public boolean runWaitingUntil(BooleanSupplier done, Duration patience) throws InterruptedException {
        if (Thread.currentThread() != builder) {
            throw new IllegalStateException("only the thread that builds the view runs its UI work");
        }
        long deadline = System.nanoTime() + patience.toNanos();
        while (!done.getAsBoolean()) {
            Runnable next;
            synchronized (this) {
                while (waiting.isEmpty()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
                next = waiting.removeFirst();
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                // As on the FX thread: the failure is reported, and the next piece of work still runs.
                Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), e);
            }
        }
        return true;
    }

    /** The FX thread has the view now: what waited goes there, in order, before anything asked after. */
    public synchronized void handOver() {
        if (waiting != null) {
            waiting.forEach(tasks::fx);
            waiting = null;
        }
    }
}
