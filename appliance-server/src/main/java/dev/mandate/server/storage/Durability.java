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
 * Makes committed batches durable before they are acknowledged. H2 ({@code WRITE_DELAY=0}) writes a
 * commit's chunk to the file when the commit returns, but leaves it in the operating system's page cache,
 * which a power cut or a kernel crash loses; the syncer calls {@link #sync} for the batches committed since
 * its last sync, so one {@code fdatasync} covers every change of them.
 */
class Durability implements AutoCloseable {

    /** Opens the durability of a database file (a test may wrap {@link #force}). */
    interface Opener {
        Durability open(Path databaseFile, MeterRegistry meters) throws IOException;
    }

    private final FileChannel file;
    private final Timer syncs;
    private final DistributionSummary changesPerSync;
    private final Counter commits;
    private final Counter changes;

    Durability(Path databaseFile, MeterRegistry meters) throws IOException {
        this(FileChannel.open(databaseFile, StandardOpenOption.READ, StandardOpenOption.WRITE), meters);
    }

    /**
     * For a server database (PostgreSQL) that makes a commit durable before the commit returns: nothing to
     * force here, the batches are still counted, and answered in order once committed.
     */
    static Durability ofServer(MeterRegistry meters) {
        return new Durability((FileChannel) null, meters);
    }

    private Durability(FileChannel file, MeterRegistry meters) {
        this.file = file;
        this.syncs = Timer.builder("mandate.db.sync")
                .description("time of one fdatasync of the database file, after a batch's commit")
                .register(meters);
        this.changesPerSync = DistributionSummary.builder("mandate.db.sync.changes")
                .description("acknowledged changes made durable by one fdatasync").register(meters);
        this.commits = Counter.builder("mandate.db.commits").description("write transactions (batches) committed").register(meters);
        this.changes = Counter.builder("mandate.db.changes").description("changes committed, each in a batch").register(meters);
    }

    /** Counts a batch of {@code batchSize} changes committed (in the file, not yet on the device). */
    void committed(int batchSize) {
        commits.increment();
        changes.increment(batchSize);
    }

    /** Forces the file to the device, covering {@code changeCount} committed changes. */
    void sync(int changeCount) {
        long started = System.nanoTime();
        try {
            force();
        } catch (IOException e) {
            throw new UncheckedIOException("the database file could not be synced to its device", e);
        }
        syncs.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        changesPerSync.record(changeCount);
    }

    /** The fdatasync itself. */
    void force() throws IOException {
        if (file != null) {
            file.force(false);
        }
    }

    @Override
    public void close() throws IOException {
        if (file != null) {
            file.close();
        }
    }
}
