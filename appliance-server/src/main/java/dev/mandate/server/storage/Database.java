package dev.mandate.server.storage;

import io.micrometer.core.instrument.DistributionSummary;
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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The broker's database: a small connection pool for reads, and one writer that commits changes in batches. */
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
        private final java.util.function.Consumer<Tx> propagation;
        private boolean propagated;
        private final List<Runnable> applied = new ArrayList<>();
        private final List<Runnable> afterCommit = new ArrayList<>();
        private final List<Runnable> beforeReply = new ArrayList<>();
        private final java.util.Map<Class<?>, Object> state = new java.util.HashMap<>();
        private RuntimeException committedRefusal;

        Tx(Connection connection) {
            this(connection, tx -> { });
        }

        private Tx(Connection connection, java.util.function.Consumer<Tx> propagation) {
            this.connection = connection;
            this.propagation = propagation;
        }

        /**
         * Marks this change as one every node of a cluster must apply before it is acknowledged (a revocation
         * entry, an app's status, a signing key): the caller is answered only once they have. Nothing on the
         * embedded database. Once per change, however often it is called.
         */
        public void propagate() {
            if (!propagated) {
                propagated = true;
                propagation.accept(this);
            }
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

        /** Runs an INSERT with {@code args} bound in order; the {@code seq} the database generated for the new row. */
        public long insertReturningKey(String sql, Object... args) {
            // The key column named: PostgreSQL's driver would otherwise return every column of the row.
            try (PreparedStatement ps = connection.prepareStatement(sql, new String[]{"seq"})) {
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

        /**
         * Runs {@code action} as soon as this change has been made, before the commit of its batch: the
         * in-memory views (revocation entries, live tokens, key ring, audit head) follow the change at once,
         * so the next change in the same batch decides against them. A change that fails never applies;
         * a batch whose commit fails stops the broker (memory would be ahead of the database).
         */
        public void apply(Runnable action) {
            applied.add(action);
        }

        /** Runs {@code action} once the change is committed and on the device (publishing it to watchers). */
        public void afterCommit(Runnable action) {
            afterCommit.add(action);
        }

        /**
         * Runs {@code action} on the caller's thread once the change is durable, before {@link #write}
         * returns: it may wait (for every node of a cluster to apply the change, say) without holding up
         * the writer or the syncer.
         */
        public void beforeReply(Runnable action) {
            beforeReply.add(action);
        }
    }

    /** Changes waiting for the writer; beyond this many, a write is refused with 503 and Retry-After. */
    static final int QUEUE_CAPACITY = 4096;
    /** The most changes one transaction takes. */
    static final int MAX_BATCH = 256;

    /** A write waiting for its batch: its work, then its outcome. */
    private static final class Change<T> {
        final Work<T> work;
        final long queuedAt = System.nanoTime();
        final CompletableFuture<T> outcome = new CompletableFuture<>();
        T result;
        RuntimeException failure;
        List<Runnable> afterCommit = List.of();
        List<Runnable> beforeReply = List.of();

        Change(Work<T> work) {
            this.work = work;
        }

        void complete() {
            if (failure != null) {
                outcome.completeExceptionally(failure);
            } else {
                outcome.complete(result);
            }
        }
    }

    /** Queued by {@link #close()}: the writer finishes the batch at hand and stops. */
    private static final Change<Object> STOP = new Change<>(tx -> null);
    /** Committed batches the writer may run ahead of their sync (it waits when this many are unsynced). */
    static final int UNSYNCED_BATCHES = 4;
    /** Handed to the syncer by the writer as it stops: every batch before it has been handed over. */
    private static final List<Change<?>> SYNC_STOP = java.util.Collections.unmodifiableList(new ArrayList<>());

    /** SQLSTATE of a connection the driver already closed ("connection does not exist"). */
    private static final String CLOSED_CONNECTION = "08003";
    private final JdbcConnectionPool pool;
    private final Durability durability;
    private final BlockingQueue<Change<?>> queue =
            new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread writer;
    /** Committed batches, in commit order, waiting for the fdatasync that makes them durable. */
    private final BlockingQueue<List<Change<?>>> committed = new ArrayBlockingQueue<>(UNSYNCED_BATCHES + 1);
    /** A permit per batch committed and not yet answered: the writer takes one before it commits. */
    private final java.util.concurrent.Semaphore unsynced = new java.util.concurrent.Semaphore(UNSYNCED_BATCHES);
    private final Thread syncer;
    /** Stops the process once a writer or syncer failure has refused everything (exit status 5). */
    private final Runnable halt;
    /** H2 in this process (shut down on close), rather than a database server. */
    private final boolean embedded;
    /** The PostgreSQL server's data source (null for H2): connections of their own for a cluster's follower. */
    private final org.postgresql.ds.common.BaseDataSource server;
    /** Run at the start of every batch, after the cluster-wide write lock (on a database server). */
    private final List<java.util.function.Consumer<Tx>> openers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private final Object stopLock = new Object();
    /** Set once the writer stops (closed, or failed): every write after that is refused with it. */
    private volatile StorageException stopped;
    private Connection writerConnection;   // the writer thread's only
    private final Timer lockWait;
    private final Timer commits;
    private final Timer works;
    private final DistributionSummary batches;

    private Database(JdbcConnectionPool pool, Durability durability, MeterRegistry meters, Runnable halt,
                     org.postgresql.ds.common.BaseDataSource server) {
        this.pool = pool;
        this.server = server;
        this.embedded = server == null;
        this.halt = halt;
        this.durability = durability;
        this.lockWait = Timer.builder("mandate.db.write.lock.wait")
                .description("time a write waited for the writer to take it into a batch")
                .serviceLevelObjectives(BUCKETS).register(meters);
        this.works = Timer.builder("mandate.db.write.work")
                .description("time a write's work took inside its batch's transaction")
                .serviceLevelObjectives(BUCKETS).register(meters);
        this.commits = Timer.builder("mandate.db.commit")
                .description("time of a batch's commit").serviceLevelObjectives(BUCKETS).register(meters);
        this.batches = DistributionSummary.builder("mandate.db.batch.changes")
                .description("writes committed together in one transaction").register(meters);
        this.syncer = Thread.ofPlatform().name("mandate-syncer").daemon().start(this::syncBatches);
        this.writer = Thread.ofPlatform().name("mandate-writer").daemon().start(this::writeBatches);
    }

    /** Opens (creating if needed) {@code dir/mandate.mv.db} and brings its schema up to date. */
    public static Database open(Path dir, MeterRegistry meters) {
        return open(dir, meters, Durability::new, () -> System.exit(5));
    }

    /**
     * {@link #open(Path, MeterRegistry)}, with the file's durability opened by {@code durability}, and
     * {@code halt} run (on a thread of its own) when the writer or the syncer fails.
     */
    static Database open(Path dir, MeterRegistry meters, Durability.Opener durability, Runnable halt) {
        // WRITE_DELAY=0: a commit reaches the file before it returns, so an acknowledged change survives a crash.
        String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("mandate") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "mandate", "");
        pool.setMaxConnections(32);
        try {
            Migrations.apply(pool);
            return new Database(pool, durability.open(dir.toAbsolutePath().resolve("mandate.mv.db"), meters), meters,
                    halt, null);
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

    /**
     * Opens the PostgreSQL database at {@code url} and brings its schema up to date (issue 14). PostgreSQL
     * makes a commit durable before the commit returns, provided {@code synchronous_commit} is on (its
     * default): a server where it is off is refused, since an acknowledged change could then be lost.
     */
    public static Database openPostgres(String url, String user, String password, MeterRegistry meters) {
        return openPostgres(url, user, password, meters, () -> System.exit(5));
    }

    /** {@link #openPostgres(String, String, String, MeterRegistry)}, running {@code halt} when the writer fails. */
    static Database openPostgres(String url, String user, String password, MeterRegistry meters, Runnable halt) {
        var source = new org.postgresql.ds.PGConnectionPoolDataSource();
        try {
            source.setURL(url);
        } catch (IllegalArgumentException e) {
            throw new StorageException(new SQLException("not a valid PostgreSQL URL", "08001", e));
        }
        source.setUser(user);
        source.setPassword(password);
        source.setApplicationName("mandate");
        // An unreachable server fails a connection in 10 s; a server gone silent fails a statement in 60 s
        // (no statement of the broker's runs that long), so neither the writer nor a read hangs for ever.
        source.setConnectTimeout(10);
        source.setSocketTimeout(60);
        source.setTcpKeepAlive(true);
        JdbcConnectionPool pool = JdbcConnectionPool.create(source);
        pool.setMaxConnections(32);
        try {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
                rs.next();
                if ("off".equals(rs.getString(1))) {
                    throw new SQLException("synchronous_commit is off on this PostgreSQL server: a commit would be"
                            + " acknowledged before it is durable; turn it on for Mandate's database");
                }
            }
            Migrations.apply(pool);
            return new Database(pool, Durability.ofServer(meters), meters, halt, source);
        } catch (SQLException e) {
            pool.dispose();
            throw new StorageException(e);
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
     * Runs {@code work} as one change of the next batch (group commit): the writer takes every change that
     * has queued, runs them in order in one transaction, each in a savepoint of its own, and commits once;
     * the syncer forces the file to the device, once for every batch committed since its last sync, and
     * only then answers their changes. While it syncs, the writer already runs the next batch (at most
     * {@link #UNSYNCED_BATCHES} ahead), so the device's latency is not paid inside the writer's loop. A
     * change sees every change
     * before it in the batch, in the database and in memory ({@link Tx#apply}); one that throws is rolled
     * back alone and its neighbours commit (a refusal marked with {@link Tx#commitThenThrow} keeps its
     * writes). Returns once the change is on the device; 503 when too many changes are waiting.
     */
    public <T> T write(Work<T> work) {
        if (Thread.currentThread() == writer) {
            throw new IllegalStateException("a write inside a write: the writer would wait for itself");
        }
        Change<T> change = new Change<>(work);
        if (stopped != null) {
            throw refusedAfterStop();
        }
        if (!queue.offer(change)) {
            throw dev.mandate.server.error.Refusal.overloaded();
        }
        try {
            // Bounded waits, so a change queued just as the writer stopped is answered rather than forgotten.
            while (true) {
                try {
                    T result = change.outcome.get(1, TimeUnit.SECONDS);
                    change.beforeReply.forEach(Runnable::run);
                    return result;
                } catch (TimeoutException e) {
                    if (!writer.isAlive() && queue.remove(change)) {
                        throw stopped != null ? refusedAfterStop() : closedFailure();
                    }
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                if (r == change.failure && !change.beforeReply.isEmpty()) {
                    change.beforeReply.forEach(Runnable::run);   // a refusal that committed what it did
                }
                throw r;
            }
            throw new StorageException(new SQLException("a write failed", e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(new SQLException("interrupted while waiting for a write (it may still commit)", e));
        }
    }

    /** A fresh exception per caller, with the writer's reason: one instance is never thrown to many threads. */
    private StorageException refusedAfterStop() {
        return new StorageException(new SQLException(stopped.getCause().getMessage(), stopped.getCause()));
    }

    private static StorageException closedFailure() {
        return new StorageException(new SQLException("the database is closed"));
    }

    private void writeBatches() {
        List<Change<?>> batch = new ArrayList<>();
        try {
            while (stopped == null) {
                try {
                    batch.add(queue.take());
                } catch (InterruptedException e) {
                    break;
                }
                queue.drainTo(batch, MAX_BATCH - 1);
                boolean stopping = batch.remove(STOP);
                if (stopped != null) {
                    break;   // the syncer failed while this batch queued: nothing more is committed
                }
                if (!batch.isEmpty()) {
                    commitBatch(batch);
                }
                batch.clear();
                if (stopping) {
                    stopWith(closedFailure());
                }
            }
        } catch (Throwable e) {
            // A batch failed after some of its changes were applied in memory: memory is ahead of the
            // database, so nothing more may be decided here. Stop writing, answer everyone, stop the broker.
            stopWith(new StorageException(new SQLException("the database writer stopped: " + e, e)));
            batch.forEach(c -> c.outcome.completeExceptionally(refusedAfterStop()));
            batch.clear();
            fatal(e);
        } finally {
            stopWith(closedFailure());
            stopSyncer();
            closeWriterConnection();
            batch.forEach(c -> c.outcome.completeExceptionally(refusedAfterStop()));
            for (Change<?> c = queue.poll(); c != null; c = queue.poll()) {
                c.outcome.completeExceptionally(refusedAfterStop());
            }
        }
    }

    /**
     * The first reason to stop is the one every refused caller is told. Its own lock: {@link #close()} holds
     * this object's monitor while it waits for the writer, which comes here.
     */
    private void stopWith(StorageException reason) {
        synchronized (stopLock) {
            if (stopped == null) {
                stopped = reason;
            }
        }
    }

    /** Runs the batch in one transaction, commits it and hands it to the syncer, which answers its changes. */
    private void commitBatch(List<Change<?>> batch) throws SQLException, InterruptedException {
        awaitSyncer();
        long started = System.nanoTime();
        batch.forEach(c -> lockWait.record(started - c.queuedAt, TimeUnit.NANOSECONDS));
        Connection c;
        Tx opened = null;
        try {
            boolean kept = writerConnection != null;
            try {
                c = writerConnection();
                if (!embedded) {
                    opened = openBatch(c);
                }
            } catch (SQLException e) {
                if (embedded || !kept || !lostConnection(e)) {
                    throw e;
                }
                // The connection kept from an earlier batch failed before anything of this one ran (the server
                // restarted or failed over since): once more on a new connection, rather than refuse a batch
                // the database can take now. The openers run again in full.
                closeWriterConnection();
                catchUpRequested = true;
                c = writerConnection();
                opened = openBatch(c);
            }
        } catch (SQLException | RuntimeException e) {
            // Nothing of the batch has run, in the database or in memory: refuse its changes (503) and
            // connect again for the next batch, so a node outlives a database restart or failover.
            refuse(batch, e);
            return;
        }
        boolean inMemory = false;
        try {
            for (Change<?> change : batch) {
                inMemory |= run(c, change, batch.size() > 1);
            }
            long committing = System.nanoTime();
            c.commit();
            commits.record(System.nanoTime() - committing, TimeUnit.NANOSECONDS);
        } catch (SQLException e) {
            if (embedded || inMemory) {
                throw e;
            }
            // The database server went away (or ended this session) in the middle of a batch that changed
            // nothing in memory (heartbeats, reads of state): refuse it (503) and connect again.
            refuse(batch, e);
            return;
        }
        lastBatch = openingBatch;
        durability.committed(batch.size());
        batches.record(batch.size());
        if (opened != null && !opened.afterCommit.isEmpty()) {
            // What the openers publish (other nodes' events) goes out in commit order, ahead of this batch's.
            Change<Object> opening = new Change<>(tx -> null);
            opening.afterCommit = opened.afterCommit;
            List<Change<?>> withOpening = new ArrayList<>(batch.size() + 1);
            withOpening.add(opening);
            withOpening.addAll(batch);
            committed.put(withOpening);
        } else {
            committed.put(List.copyOf(batch));
        }
    }

    /**
     * On a database server several brokers write: each batch first increments the one row of
     * {@code cluster_lock}, whose lock it holds until it commits, so batches of all nodes commit one after
     * another. Every decision in the batch then sees every change committed before it (READ COMMITTED reads
     * after the lock), sequence numbers are assigned in commit order (a node catching up by number skips
     * nothing), and the audit chain has one total order. When another node wrote since this node's last
     * batch, the openers then bring this node's memory up to what was committed (a revocation, say); when
     * none did, there is nothing to catch up on and the batch costs one statement more than on H2.
     * Returns the openers' transaction, or null when they did not run.
     */
    private Tx openBatch(Connection c) throws SQLException {
        long batch = JdbcClusterLockStore.take(c);
        openingBatch = batch;
        if (batch - 1 == lastBatch && !catchUpRequested) {
            return null;
        }
        catchUpRequested = false;
        Tx tx = new Tx(c);
        for (var opener : openers) {
            opener.accept(tx);
        }
        return tx;
    }

    /** The cluster_lock number of this node's last committed batch, and of the batch being opened (the writer's). */
    private long lastBatch = -1;
    private long openingBatch = -1;
    /** Set when the next batch must run the openers whoever wrote last (one was added). */
    private volatile boolean catchUpRequested;

    /**
     * Runs {@code opener} at the start of every batch, after the cluster-wide write lock, in the batch's
     * transaction (a database server only: the embedded database has one writer in one process).
     */
    public void onEachBatch(java.util.function.Consumer<Tx> opener) {
        openers.add(opener);
        catchUpNextBatch();
    }

    /** The next batch runs the openers even if no other node wrote since this node's last batch. */
    public void catchUpNextBatch() {
        catchUpRequested = true;
    }

    /** How {@link Tx#propagate()} reaches the other nodes (a cluster sets it; alone, nothing). */
    private volatile java.util.function.Consumer<Tx> propagation = tx -> { };

    /** Sets what {@link Tx#propagate()} does: numbers the change in the cluster's feed and waits for the nodes. */
    public void propagateWith(java.util.function.Consumer<Tx> propagation) {
        this.propagation = propagation;
    }

    /** On a database server: the writer's session settings that bound how long it holds or waits for the write lock. */
    private volatile String lockLimits = "";

    /**
     * On a database server: the writer's session is ended by the server after {@code idle} idle inside a
     * transaction (a node frozen mid-batch releases the cluster's write lock), and gives up waiting for the
     * lock after {@code wait} (its batch is refused with 503). Takes effect on the writer's next connection.
     */
    public void limitLockHolding(Duration idle, Duration wait) {
        lockLimits = "SET idle_in_transaction_session_timeout = " + idle.toMillis() + "; SET lock_timeout = " + wait.toMillis();
        closeWriterConnectionLater = true;
    }

    /** Set when the writer's connection must be made again (new session settings). */
    private volatile boolean closeWriterConnectionLater;

    /** True on a database server that several brokers may share; false for the embedded H2. */
    public boolean shared() {
        return !embedded;
    }

    /**
     * Runs {@code work} while no other node of the cluster runs work under the same {@code lock} (a PostgreSQL
     * advisory lock, held on a connection of its own, released when the work ends or the node dies). On the
     * embedded database, one process owns the file: {@code work} just runs.
     */
    public <T> T exclusively(long lock, java.util.function.Supplier<T> work) {
        if (embedded) {
            return work.get();
        }
        try (Connection c = dedicatedConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + lock + ")");
            try {
                return work.get();
            } finally {
                s.execute("SELECT pg_advisory_unlock(" + lock + ")");
            }
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /** A connection of the caller's own to the database server, outside the pool (a cluster node's follower). */
    public Connection dedicatedConnection() throws SQLException {
        if (server == null) {
            throw new SQLException("the embedded database has no connections of its own to give");
        }
        return server.getConnection();
    }

    /** A batch the database server failed, its memory untouched: 503 for its changes, a new connection for the next. */
    private void refuse(List<Change<?>> batch, Exception why) {
        catchUpRequested = true;   // the openers may have been cut short
        unsynced.release();
        closeWriterConnection();
        LOG.log(System.Logger.Level.WARNING, "the database is unavailable, " + batch.size() + " change(s) refused: "
                + why.getMessage());
        batch.forEach(change -> change.outcome.completeExceptionally(
                dev.mandate.server.error.Refusal.unavailable("the database is unavailable; try again shortly")));
    }

    /** Waits until fewer than {@link #UNSYNCED_BATCHES} committed batches are unanswered. */
    private void awaitSyncer() throws InterruptedException {
        while (!unsynced.tryAcquire(1, TimeUnit.SECONDS)) {
            if (!syncer.isAlive()) {
                throw new IllegalStateException("the database syncer stopped");
            }
        }
    }

    /**
     * The syncer: takes every batch committed so far, forces the file once (the commits returned before the
     * sync began, so their chunks are in the file), then answers their changes in commit order. A sync that
     * fails answers nothing it covered: those changes and every later one are refused, and the broker stops.
     */
    private void syncBatches() {
        List<List<Change<?>>> ready = new ArrayList<>();
        boolean failed = false;
        while (true) {
            try {
                ready.add(committed.take());
            } catch (InterruptedException e) {
                return;
            }
            committed.drainTo(ready);
            boolean stopping = ready.removeIf(b -> b == SYNC_STOP);
            Throwable failure = null;
            if (!failed && !ready.isEmpty()) {
                try {
                    durability.sync(ready.stream().mapToInt(List::size).sum());
                    for (List<Change<?>> batch : ready) {
                        for (Change<?> change : batch) {
                            change.afterCommit.forEach(Database::follow);
                            change.complete();
                        }
                    }
                } catch (Throwable e) {
                    failure = e;
                    failed = true;
                    stopWith(new StorageException(new SQLException("the database file could not be synced: " + e, e)));
                }
            }
            if (failed) {
                // Answered first, so that no caller waits on however the stop goes.
                ready.forEach(batch -> batch.forEach(c -> c.outcome.completeExceptionally(refusedAfterStop())));
            }
            unsynced.release(ready.size());
            ready.clear();
            if (failure != null) {
                fatal(failure);
            }
            if (stopping) {
                return;
            }
        }
    }

    /** Hands the syncer its stop once every committed batch is before it, and waits for it to answer them. */
    private void stopSyncer() {
        try {
            if (!committed.offer(SYNC_STOP, 30, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "the database syncer did not take the stop in 30 s");
            }
            syncer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The writer's own connection, kept across batches: the writer never waits for the pool that reads
     * share (a pool timeout would fail a batch), and its session keeps its parsed statements.
     */
    private Connection writerConnection() throws SQLException {
        if (closeWriterConnectionLater) {
            closeWriterConnectionLater = false;
            closeWriterConnection();
        }
        if (writerConnection == null) {
            Connection c = pooledConnection();
            c.setReadOnly(false);   // a pooled connection may come back from a read
            c.setAutoCommit(true);
            if (!embedded && !lockLimits.isEmpty()) {
                try (Statement s = c.createStatement()) {
                    s.execute(lockLimits);
                }
            }
            c.setAutoCommit(false);
            writerConnection = c;
        }
        return writerConnection;
    }

    private void closeWriterConnection() {
        if (writerConnection != null) {
            try {
                writerConnection.rollback();
            } catch (SQLException e) {
                // Gone already: closing it still gives its place in the pool back.
            }
            try {
                writerConnection.close();
            } catch (SQLException e) {
                // Nothing more to give back.
            }
            writerConnection = null;
        }
    }

    /**
     * Runs one change in its own savepoint; records its result, or its failure with its writes undone.
     * Any failure of the work is the change's own (an Error too); a failure to undo it is the batch's.
     */
    private <T> boolean run(Connection c, Change<T> change, boolean inBatch) throws SQLException {
        java.sql.Savepoint savepoint = inBatch ? c.setSavepoint() : null;
        Tx tx = new Tx(c, propagation);
        long working = System.nanoTime();
        try {
            change.result = change.work.run(tx);
        } catch (RuntimeException e) {
            change.failure = e;
        } catch (SQLException e) {
            change.failure = new StorageException(e);
        } catch (Error e) {
            change.failure = new IllegalStateException("a write failed: " + e, e);
        }
        works.record(System.nanoTime() - working, TimeUnit.NANOSECONDS);
        if (change.failure != null && change.failure != tx.committedRefusal) {
            if (savepoint != null) {
                c.rollback(savepoint);
            } else {
                c.rollback();
                // That undid the batch's take of the cluster lock too: its number will be another node's,
                // so it must not count as this node's last (the next batch catches up whoever wrote).
                openingBatch = -2;
            }
            return false;
        }
        if (savepoint != null) {
            c.releaseSavepoint(savepoint);
        }
        tx.applied.forEach(Database::follow);
        change.afterCommit = tx.afterCommit;
        change.beforeReply = tx.beforeReply;
        return !tx.applied.isEmpty();
    }

    /** Runs an in-memory follower of a change; one failing must not stop the others. */
    private static void follow(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "an in-memory view did not follow a change", e);
        }
    }

    /** The writer failed mid-batch (commit, sync, undo): its effects in memory cannot be undone, so the broker stops. */
    private void fatal(Throwable e) {
        try {
            LOG.log(System.Logger.Level.ERROR, "mandate: the database writer failed (" + e.getMessage()
                    + "); stopping, so that a restart rebuilds the in-memory state from what was committed", e);
            if (!closed) {
                Thread.ofPlatform().start(halt);
            }
        } catch (Throwable again) {
            // Not even a thread to stop with: every caller has been answered; the stop is left to the operator.
        }
    }

    /** Runs {@code work} on a read connection, concurrently with other reads and the writer. */
    public <T> T read(Work<T> work) {
        for (int stale = 0; ; stale++) {
            Connection c;
            try {
                c = pooledConnection();      // no connection to be had (the server down): failed at once, not again
            } catch (SQLException e) {
                throw new StorageException(e);
            }
            long started = System.nanoTime();
            try (c) {
                c.setReadOnly(true);
                return work.run(new Tx(c));
            } catch (SQLException | StorageException e) {
                String state = e instanceof SQLException sql ? sql.getSQLState() : ((StorageException) e).sqlState();
                // A connection that sat in the pool through a server restart fails at its first use, at once: a read
                // changes nothing, so it is run again on the next one (as many as the pool holds). A failure that
                // took its time (a server gone silent) is not tried again.
                boolean staleConnection = lostConnection(state) && System.nanoTime() - started < STALE_FAILS_WITHIN
                        && stale < pool.getMaxConnections();
                if (!staleConnection) {
                    throw e instanceof StorageException storage ? storage : new StorageException((SQLException) e);
                }
            }
        }
    }

    /** How fast a connection that died in the pool fails at its first use (it fails at once, on its closed socket). */
    private static final long STALE_FAILS_WITHIN = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    /**
     * A connection from the pool. One the driver closed while it sat there (it failed on its last use,
     * during an outage) is dropped for the next: once the database is back, the first read succeeds.
     */
    private Connection pooledConnection() throws SQLException {
        for (int dropped = 0; ; dropped++) {
            try {
                return pool.getConnection();
            } catch (SQLException e) {
                if (!CLOSED_CONNECTION.equals(e.getSQLState()) || dropped >= pool.getMaxConnections()) {
                    throw e;
                }
            }
        }
    }

    /** A connection failure (SQLSTATE class 08) or a server that shut down or ended the session (57P0x). */
    private static boolean lostConnection(SQLException e) {
        return lostConnection(e.getSQLState());
    }

    private static boolean lostConnection(String state) {
        return state != null && (state.startsWith("08") || state.startsWith("57P0"));
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
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Not an interrupt: H2's file channels close when the thread using them is interrupted.
        try {
            if (writer.isAlive() && !queue.offer(STOP, 30, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "the database writer did not take the stop in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            // The writer stops after the syncer, which may wait 30 s for the stop and 30 s for a sync.
            writer.join(TimeUnit.SECONDS.toMillis(70));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Connection c = pool.getConnection(); var s = c.createStatement()) {
            if (embedded) {
                s.execute("SHUTDOWN");
            }
        } catch (SQLException e) {
            // Already closed.
        } finally {
            pool.dispose();
            try {
                durability.close();
            } catch (IOException e) {
                // Closing only releases the descriptor.
            }
        }
    }
}
