package dev.mandate.server.storage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Makes commits durable before they are acknowledged, sharing one {@code fdatasync} among every commit
 * that is waiting for one (group sync). H2 writes a commit's chunk to the file before the commit returns
 * ({@code WRITE_DELAY=0}) but leaves it in the operating system's page cache, which a power cut or a kernel
 * crash loses; {@link #awaitDurable} forces the file to the device first.
 *
 * <p>A writer calls {@link #committed()} right after its commit, while it still holds the write lock (so
 * numbers follow commit order), then {@link #awaitDurable} after releasing it. The first waiter whose
 * commit is not yet durable syncs the file for every commit numbered so far; the others wait for it, and
 * one sync answers them all.
 */
final class Durability implements AutoCloseable {

    private final FileChannel file;
    private final Timer syncs;
    private final DistributionSummary commitsPerSync;
    private final Counter commits;
    private long numbered;   // guarded by this
    private long durable;    // guarded by this
    private boolean syncing; // guarded by this

    Durability(Path databaseFile, MeterRegistry meters) throws IOException {
        this.file = FileChannel.open(databaseFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        this.syncs = Timer.builder("mandate.db.sync")
                .description("time of one fdatasync of the database file, shared by the commits waiting for it")
                .register(meters);
        this.commitsPerSync = DistributionSummary.builder("mandate.db.sync.commits")
                .description("commits made durable by one fdatasync").register(meters);
        this.commits = Counter.builder("mandate.db.commits").description("write transactions committed").register(meters);
    }

    /** Numbers a commit that just happened; call while still holding the write lock. */
    synchronized long committed() {
        commits.increment();
        return ++numbered;
    }

    /** Returns once commit {@code number} is on the device. */
    void awaitDurable(long number) {
        long target;
        synchronized (this) {
            while (durable < number && syncing) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while a commit was made durable", e);
                }
            }
            if (durable >= number) {
                return;
            }
            syncing = true;
            target = numbered;
        }
        long started = System.nanoTime();
        try {
            file.force(false);
        } catch (IOException e) {
            synchronized (this) {
                syncing = false;
                notifyAll();
            }
            throw new UncheckedIOException("the database file could not be synced to its device", e);
        }
        syncs.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        synchronized (this) {
            commitsPerSync.record(target - durable);
            durable = target;
            syncing = false;
            notifyAll();
        }
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
