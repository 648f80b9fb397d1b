package dev.mandate.server.storage;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.h2.jdbcx.JdbcConnectionPool;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/** The broker's database: a small connection pool, one writer at a time. */
public final class Database implements AutoCloseable {

    /** Commit and lock-wait histogram buckets, 50 µs to 1 s. */
    private static final Duration[] BUCKETS = {Duration.ofNanos(50_000), Duration.ofNanos(100_000),
            Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofSeconds(1)};

    /** Work done inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Tx tx) throws SQLException;
    }

    /** A write transaction: its connection, and what to do once it has committed. */
    public static final class Tx {
        private final Connection connection;
        private final List<Runnable> afterCommit = new ArrayList<>();
        private final java.util.Map<Class<?>, Object> state = new java.util.HashMap<>();

        Tx(Connection connection) {
            this.connection = connection;
        }

        public Connection connection() {
            return connection;
        }

        /** Per-transaction state of one component, made on first use (e.g. the audit chain's pending head). */
        public <S> S state(Class<S> type, java.util.function.Supplier<S> initial) {
            return type.cast(state.computeIfAbsent(type, k -> initial.get()));
        }

        /** Runs {@code action} after the commit succeeded (in-memory views follow the database). */
        public void afterCommit(Runnable action) {
            afterCommit.add(action);
        }
    }

    private final JdbcConnectionPool pool;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Timer lockWait;
    private final Timer commits;

    private Database(JdbcConnectionPool pool, MeterRegistry meters) {
        this.pool = pool;
        this.lockWait = Timer.builder("mandate.db.write.lock.wait")
                .description("time a write transaction waited for the single writer")
                .serviceLevelObjectives(BUCKETS).register(meters);
        this.commits = Timer.builder("mandate.db.commit")
                .description("time of a write transaction's commit").serviceLevelObjectives(BUCKETS).register(meters);
    }

    /** Opens (creating if needed) {@code dir/mandate.mv.db} and brings its schema up to date. */
    public static Database open(Path dir, MeterRegistry meters) {
        // WRITE_DELAY=0: a commit reaches the file before it returns, so an acknowledged change survives a crash.
        String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("mandate") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "mandate", "");
        pool.setMaxConnections(32);
        try {
            Migrations.apply(pool);
        } catch (SQLException e) {
            pool.dispose();
            throw new StorageException(e);
        } catch (RuntimeException e) {
            pool.dispose();
            throw asStorageFailure(e);
        }
        return new Database(pool, meters);
    }

    /** Flyway wraps the driver's SQLException (a locked file, say) in its own: unwrap it, so callers see one type. */
    private static RuntimeException asStorageFailure(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return new StorageException(sql);
            }
        }
        return e;
    }

    /** Runs {@code work} in the single write transaction; commits, or rolls back on any exception. */
    public <T> T write(Work<T> work) {
        long waiting = System.nanoTime();
        writeLock.lock();
        lockWait.record(System.nanoTime() - waiting, TimeUnit.NANOSECONDS);
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            Tx tx = new Tx(c);
            try {
                T result = work.run(tx);
                long committing = System.nanoTime();
                c.commit();
                commits.record(System.nanoTime() - committing, TimeUnit.NANOSECONDS);
                tx.afterCommit.forEach(Runnable::run);
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StorageException(e);
        } finally {
            writeLock.unlock();
        }
    }

    /** Runs {@code work} on a read connection, concurrently with other reads and the writer. */
    public <T> T read(Work<T> work) {
        try (Connection c = pool.getConnection()) {
            c.setReadOnly(true);
            return work.run(new Tx(c));
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /** True when a trivial query answers. */
    public boolean isConnected() {
        try {
            return read(tx -> tx.connection().isValid(2));
        } catch (StorageException e) {
            return false;
        }
    }

    @Override
    public void close() {
        writeLock.lock();
        try (Connection c = pool.getConnection(); var s = c.createStatement()) {
            s.execute("SHUTDOWN");
        } catch (SQLException e) {
            // Already closed.
        } finally {
            pool.dispose();
            writeLock.unlock();
        }
    }
}
