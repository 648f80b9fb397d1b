package dev.mandate.console.fx;

import javafx.application.Platform;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Where work runs: network calls in the background, property changes on the FX thread. Tests use
 * {@link #inline()}, which runs everything on the calling thread, so view-models need no toolkit.
 */
public interface Tasks {

    void background(Runnable work);

    void fx(Runnable work);

    /** Runs {@code work} in the background after {@code delay}. */
    void later(Duration delay, Runnable work);

    static Tasks inline() {
        return new Tasks() {
            @Override
            public void background(Runnable work) {
                work.run();
            }

            @Override
            public void fx(Runnable work) {
                work.run();
            }

            @Override
            public void later(Duration delay, Runnable work) {
                work.run();
            }
        };
    }

    /** Virtual threads for the network, {@link Platform#runLater} for the UI. */
    static Tasks javafx() {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().factory());
        return new Tasks() {
            @Override
            public void background(Runnable work) {
                Thread.ofVirtual().start(work);
            }

            @Override
            public void fx(Runnable work) {
                Platform.runLater(work);
            }

            @Override
            public void later(Duration delay, Runnable work) {
                timer.schedule(() -> background(work), delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        };
    }
}
