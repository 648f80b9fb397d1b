package dev.mandate.server.storage;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.h2.jdbcx.JdbcConnectionPool;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/** The broker's database: a small connection pool, one writer at a time. */
public final class Database implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Database.class.getName());

    /** Commit and lock-wait histogram buckets, 50 µs to 1 s. */
    private static final Duration[] BUCKETS = {Duration.ofNanos(50_000), Duration.ofNanos(100_000),
            Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofSeconds(1)};

    /** Reads the current row of a result into a value. */
    @FunctionalInterface
    public interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

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
        private RuntimeException committedRefusal;

        Tx(Connection connection) {
            this.connection = connection;
        }

        public Connection connection() {
            return connection;
        }

        /** Runs an INSERT, UPDATE, DELETE or MERGE with {@code args} bound in order; the rows it changed. */
        public int update(String sql, Object... args) {
            try (PreparedStatement ps = prepare(sql, args)) {
                return ps.executeUpdate();
            } catch (SQLException e) {
                throw new StorageException(e);
            }
        }

        /** Runs an INSERT with {@code args} bound in order; the key the database generated for the new row. */
        public long insertReturningKey(String sql, Object... args) {
            try (PreparedStatement ps = connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
                bind(ps, args);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            } catch (SQLException e) {
                throw new StorageException(e);
            }
        }

        /** Every row of a query, read by {@code reader}, in the query's order. */
        public <T> List<T> list(String sql, RowReader<T> reader, Object... args) {
            try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(reader.read(rs));
                }
                return rows;
            } catch (SQLException e) {
                throw new StorageException(e);
            }
        }

        /** The first row of a query, read by {@code reader}; empty when there is none. */
        public <T> Optional<T> first(String sql, RowReader<T> reader, Object... args) {
            try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(reader.read(rs)) : Optional.empty();
            } catch (SQLException e) {
                throw new StorageException(e);
            }
        }

        private PreparedStatement prepare(String sql, Object[] args) throws SQLException {
            PreparedStatement ps = connection.prepareStatement(sql);
            try {
                bind(ps, args);
                return ps;
            } catch (SQLException e) {
                ps.close();
                throw e;
            }
        }

        private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
        }

        /** Per-transaction state of one component, made on first use (e.g. the audit chain's pending head). */
        public <S> S state(Class<S> type, java.util.function.Supplier<S> initial) {
            return type.cast(state.computeIfAbsent(type, k -> initial.get()));
        }

        /**
         * Marks {@code refusal} as one this transaction answers with after committing what it did (the audit
         * of the refusal, typically): thrown out of the work, it commits instead of rolling back. Any other
         * exception still rolls everything back.
         */
        public <E extends RuntimeException> E commitThenThrow(E refusal) {
            committedRefusal = refusal;
            return refusal;
        }

        /** Runs {@code action} after the commit succeeded (in-memory views follow the database). */
        public void afterCommit(Runnable action) {
            afterCommit.add(action);
        }
    }

    private final JdbcConnectionPool pool;
    private final Durability durability;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Timer lockWait;
    private final Timer commits;
    private final Timer works;

    private Database(JdbcConnectionPool pool, Durability durability, MeterRegistry meters) {
        this.pool = pool;
        this.durability = durability;
        this.lockWait = Timer.builder("mandate.db.write.lock.wait")
                .description("time a write transaction waited for the single writer")
                .serviceLevelObjectives(BUCKETS).register(meters);
        this.works = Timer.builder("mandate.db.write.work")
                .description("time a write transaction's work held the single writer, before its commit")
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
            return new Database(pool, new Durability(dir.toAbsolutePath().resolve("mandate.mv.db"), meters), meters);
        } catch (SQLException e) {
            pool.dispose();
            throw new StorageException(e);
        } catch (IOException e) {
            pool.dispose();
            throw new StorageException(new SQLException("cannot open the database file to sync it: " + e.getMessage(), e));
        } catch (RuntimeException e) {
            pool.dispose();
            throw asStorageFailure(e);
        }
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

    /**
     * Runs {@code work} in the single write transaction; commits, or rolls back on any exception. Returns
     * (or throws a refusal whose audit committed) only once the commit is on the device: what is
     * acknowledged survives a power cut. The sync happens outside the write lock and is shared by every
     * commit waiting for one, so the next writer does not wait for it.
     */
    public <T> T write(Work<T> work) {
        Committed<T> committed = commitUnderLock(work);
        durability.awaitDurable(committed.number());
        if (committed.refusal() != null) {
            throw committed.refusal();
        }
        return committed.result();
    }

    /** A committed transaction: its number in commit order, and its result or the refusal it answers with. */
    private record Committed<T>(long number, T result, RuntimeException refusal) {
    }

    private <T> Committed<T> commitUnderLock(Work<T> work) {
        long waiting = System.nanoTime();
        writeLock.lock();
        lockWait.record(System.nanoTime() - waiting, TimeUnit.NANOSECONDS);
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            Tx tx = new Tx(c);
            T result;
            long working = System.nanoTime();
            try {
                result = work.run(tx);
            } catch (RuntimeException e) {
                works.record(System.nanoTime() - working, TimeUnit.NANOSECONDS);
                if (e != tx.committedRefusal) {
                    c.rollback();
                    throw e;
                }
                commit(c, tx);
                return new Committed<>(durability.committed(), null, e);
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
            works.record(System.nanoTime() - working, TimeUnit.NANOSECONDS);
            commit(c, tx);
            return new Committed<>(durability.committed(), result, null);
        } catch (SQLException e) {
            throw new StorageException(e);
        } finally {
            writeLock.unlock();
        }
    }

    private void commit(Connection c, Tx tx) throws SQLException {
        long committing = System.nanoTime();
        try {
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        }
        commits.record(System.nanoTime() - committing, TimeUnit.NANOSECONDS);
        // Committed: the change stands whatever follows, so one failing follower must not stop the others.
        for (Runnable action : tx.afterCommit) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "an in-memory view did not follow a committed change", e);
            }
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
            try {
                durability.close();
            } catch (IOException e) {
                // Closing only releases the descriptor.
            }
            writeLock.unlock();
        }
    }
}
