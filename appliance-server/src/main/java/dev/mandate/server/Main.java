package dev.mandate.server;

import dev.mandate.hsm.Hsm;
import dev.mandate.hsm.HsmException;
import dev.mandate.server.admin.AdminAuth;
import dev.mandate.server.admin.AdminEndpoint;
import dev.mandate.server.admin.SecretHash;
import dev.mandate.server.agent.AgentEndpoint;
import dev.mandate.server.agent.Agents;
import dev.mandate.server.agent.LaunchTokens;
import dev.mandate.server.agent.Nonces;
import dev.mandate.server.live.Overview;
import dev.mandate.server.agent.Registration;
import dev.mandate.server.app.AppEndpoint;
import dev.mandate.server.claims.TokenClaims;
import dev.mandate.server.cluster.Cluster;
import dev.mandate.server.cluster.Currency;
import dev.mandate.server.app.Apps;
import dev.mandate.server.audit.Audit;
import dev.mandate.server.audit.AuditEndpoint;
import dev.mandate.server.audit.AuditLog;
import dev.mandate.server.delegation.DelegationEndpoint;
import dev.mandate.server.delegation.Delegations;
import dev.mandate.server.delegation.TokenExchangeEndpoint;
import dev.mandate.server.keys.KeyEndpoint;
import dev.mandate.server.oauth.OAuthEndpoint;
import dev.mandate.server.revocation.LiveTokens;
import dev.mandate.server.revocation.RevocationEndpoint;
import dev.mandate.server.revocation.Revoker;
import dev.mandate.server.error.Refusal;
import dev.mandate.server.http.ApiRoutes;
import dev.mandate.server.http.Problems;
import dev.mandate.server.http.RateLimiter;
import dev.mandate.server.http.SecurityHeaders;
import dev.mandate.server.http.TransportProblems;
import dev.mandate.server.keys.KeyLifecycle;
import dev.mandate.server.journal.Event;
import dev.mandate.server.journal.EventLog;
import dev.mandate.server.journal.Journal;
import dev.mandate.server.token.Proofs;
import dev.mandate.server.token.TokenHistory;
import dev.mandate.server.token.TokenRecord;
import dev.mandate.server.live.EventStream;
import dev.mandate.server.live.OperatorEndpoint;
import dev.mandate.server.live.OperatorViews;
import dev.mandate.server.keys.TokenSigner;
import dev.mandate.server.keys.KeyRing;
import dev.mandate.server.revocation.Revocations;
import dev.mandate.server.status.OpenApiEndpoint;
import dev.mandate.server.status.PrometheusMetrics;
import dev.mandate.server.status.StatusEndpoint;
import dev.mandate.server.storage.Database;
import dev.mandate.server.storage.StorageException;
import dev.mandate.server.http.Bearer;
import dev.mandate.server.token.TokenEndpoint;
import dev.mandate.server.token.TokenIssuer;
import dev.mandate.server.token.TokenVerifier;
import dev.mandate.server.token.Tokens;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Reads the settings, builds every object by hand, starts the server. */
public final class Main {

    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Broker broker;
        try {
            broker = start(settings(System.getenv()), Clock.systemUTC());
        } catch (StartupFailure e) {
            exit(e.reason().exitCode(), e.getMessage(), e);
            return;
        } catch (RuntimeException e) {
            exit(1, "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "mandate-shutdown"));
        // On stdout whatever the log configuration: scripts and operators wait for this line.
        System.out.println("Mandate broker listening on " + broker.url());
    }

    /** One line naming the cause, then a non-zero exit; the stack trace (through the log) only with MANDATE_DEBUG=true. */
    private static void exit(int status, String reason, Throwable e) {
        System.err.println("mandate: cannot start: " + reason);
        if ("true".equalsIgnoreCase(System.getenv("MANDATE_DEBUG"))) {
            LOG.log(Level.ERROR, "start-up failed", e);
        }
        System.exit(status);
    }

    /** The settings, or a start-up failure naming the setting that is wrong. */
    public static Settings settings(java.util.Map<String, String> env) {
        try {
            return Settings.load(env);
        } catch (IllegalArgumentException | io.helidon.config.ConfigException e) {
            throw new StartupFailure(StartupFailure.Reason.CONFIGURATION, "configuration: " + oneLine(e), e);
        }
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce((a, b) -> a + "; " + b).orElse("");
    }

    /** Every object of a running broker. */
    public record Broker(Settings settings, WebServer server, Database db, Hsm hsm, AuditLog audit,
                         Revocations revocations, TokenVerifier verifier, KeyLifecycle keys, EventLog events,
                         Optional<Path> generatedAdminSecret, PrometheusMetrics metrics, Nonces nonces,
                         ScheduledExecutorService housekeeping, Optional<Cluster> cluster, Overview overview,
                         List<String> routes)
            implements AutoCloseable {

        public int port() {
            return server.port();
        }

        public String url() {
            return (settings.tlsCert().isPresent() ? "https://" : "http://") + settings.bind() + ":" + port();
        }

        @Override
        public void close() {
            housekeeping.shutdownNow();
            server.stop();
            cluster.ifPresent(Cluster::close);
            db.close();
            hsm.close();
            metrics.close();
        }
    }

    /** Starts a broker; every failure to start is a {@link StartupFailure} naming its cause and setting. */
    public static Broker start(Settings settings, Clock clock) {
        try {
            Files.createDirectories(settings.dataDir(),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (java.io.IOException e) {
            throw new StartupFailure(StartupFailure.Reason.DATABASE, "cannot create the data directory "
                    + settings.dataDir() + " (" + e.getClass().getSimpleName() + "); set MANDATE_DATA_DIR to a writable directory", e);
        }
        io.helidon.common.tls.Tls tls = null;
        if (settings.tlsCert().isPresent()) {
            try {
                tls = Tls.load(settings.tlsCert().get(), settings.tlsKey().orElseThrow());
            } catch (IllegalArgumentException e) {
                throw new StartupFailure(StartupFailure.Reason.CONFIGURATION, oneLine(e)
                        + "; check MANDATE_TLS_CERT and MANDATE_TLS_KEY (server.tls-cert, server.tls-key)", e);
            }
        }
        checkListenAddress(settings);
        PrometheusMetrics metrics = new PrometheusMetrics();
        MeterRegistry meters = metrics.registry();
        // The HSM's login and the database's migrations are independent and take a few hundred milliseconds
        // each, most of it loading classes: on two cores they are done at once. A database that cannot open is
        // reported first, as before; the HSM opened meanwhile is closed.
        FutureTask<Hsm> opening = new FutureTask<>(() -> openHsm(settings));
        Thread.ofPlatform().name("mandate-hsm-open").start(opening);
        Database db;
        try {
            db = openDatabase(settings, meters);
        } catch (RuntimeException e) {
            try {
                opened(opening).close();
            } catch (RuntimeException | Error hsmFailure) {
                e.addSuppressed(hsmFailure);
            }
            metrics.close();
            throw e;
        }
        Hsm hsm = null;
        Optional<Cluster> cluster = Optional.empty();
        try {
            hsm = opened(opening);
            // On a shared database this broker is one node of a cluster: from here on, every write batch
            // catches up with what the other nodes committed, and propagated changes wait for them.
            if (db.shared()) {
                cluster = Optional.of(Cluster.on(db, settings.nodeName(), settings.stalenessBound()));
            }
            AuditLog audit = new AuditLog(db, clock::millis);
            EventLog events = new EventLog(db, clock);
            if (db.shared()) {
                db.onEachBatch(audit::continueChain);
                db.onEachBatch(events::follow);
            }
            Journal journal = new Journal(db, audit, events);
            Revocations revocations = new Revocations(db, () -> clock.instant().getEpochSecond(), settings.clockLeeway());
            TokenHistory history = TokenHistory.jdbc();
            LiveTokens live = liveTokens(db, history, revocations, clock.instant().getEpochSecond());
            KeyRing keyRing = new KeyRing();
            Agents agents = new Agents();
            Revoker revoker = new Revoker(db, revocations, live, history, agents, journal, clock, settings.maxTtl(),
                    settings.maxLifetime(), meters);
            KeyLifecycle keys = new KeyLifecycle(db, hsm, journal, keyRing, live, revoker, history::lastExpirySignedBy,
                    clock, settings.publishLead(), settings.rotationPeriod(), settings.destroyRetiredKeys(),
                    settings.maxConcurrentSignatures(), meters);
            TokenSigner signer = keys.signer();
            TokenIssuer issuer = new TokenIssuer(signer, settings.issuer(), settings.audience(), clock);
            Tokens tokens = new Tokens(db, issuer, revocations, live, journal,
                    keyRing::trusts, meters, agents::lifetimeEnd, agents::requiredBinding);
            SecretHash hashes = new SecretHash(settings.bcryptCost());
            Apps apps = new Apps(db, journal, tokens, revoker, agents, hashes, settings.maxTtl());
            TokenVerifier verifier = new TokenVerifier(keyRing, revocations, apps::isInactive, settings.issuer(),
                    settings.clockLeeway(), clock, settings.verifiedCacheSize(), meters,
                    cluster.isPresent() ? cluster.get() : Currency.ALWAYS);
            // A DPoP proof's iat within 60 s of now, either way; its htu at the broker's public URL, the issuer's.
            Proofs proofs = new Proofs(db, clock, java.time.Duration.ofSeconds(60), settings.issuer());
            Bearer bearer = new Bearer(verifier::verify, proofs::acceptsHere, (type, detail, caller, client) -> journal.refuseUnsolicited(
                    Audit.denied(type, detail).agent(caller != null && caller.kind() == TokenClaims.Kind.AGENT
                            ? caller.subject() : "", caller == null ? "" : caller.taskId(), caller == null ? "" : caller.orchId()),
                    client));
            Nonces nonces = Nonces.shared(db, 500_000, clock::millis);
            RateLimiter credentials = limiter("credentials", settings.credentialLimit(), settings, journal, meters);
            Registration registration = new Registration(db, nonces, tokens, revocations, journal, apps::activeCeiling,
                    settings.trustDomain(), settings.maxTtl(), settings.maxLifetime());
            LaunchTokens launchTokens = new LaunchTokens(db, journal, settings.maxTtl(), clock, tokens, apps::activeCeiling);
            Delegations delegations = new Delegations(db, tokens, agents, revocations, journal,
                    settings.maxTtl());
            // MANDATE_MAX_TTL is the ceiling of every token lifetime, the operator's and the apps' included.
            AdminAuth adminAuth = new AdminAuth(db, journal, tokens, hashes, min(settings.adminTtl(), settings.maxTtl()));
            Optional<Path> generated;
            try {
                generated = adminAuth.initialize(settings.adminSecret(), settings.dataDir().resolve("admin-secret"));
            } catch (IllegalStateException | HsmException e) {
                throw new StartupFailure(StartupFailure.Reason.CONFIGURATION, "admin secret: " + oneLine(e)
                        + "; check MANDATE_ADMIN_SECRET or " + settings.dataDir().resolve("admin-secret"), e);
            }

            if (cluster.isPresent()) {
                cluster.get().follow(revocations::catchUp);
                cluster.get().follow(apps::refresh);
                cluster.get().follow(keys::refresh);
                cluster.get().follow(adminAuth::refresh);
                cluster.get().start();
            }
            StatusEndpoint status = new StatusEndpoint(db, audit, signer, metrics, settings.metricsEnabled(), cluster);
            FunctionCounter.builder("mandate.audit.events", audit, AuditLog::count)
                    .description("audit events written since the log began").register(meters);
            FunctionCounter.builder("mandate.audit.events.throttled", audit, AuditLog::dropped)
                    .description("unsolicited refusals not audited one by one (over the audit budget)").register(meters);
            Gauge.builder("mandate.revocation.entries", revocations, Revocations::size)
                    .description("revocation entries in force").register(meters);
            Gauge.builder("mandate.live.tokens", live, LiveTokens::size)
                    .description("tokens issued, unexpired and not revoked").register(meters);
            Gauge.builder("mandate.event.stream.subscribers", events, EventLog::subscribers)
                    .description("operator event streams open").register(meters);
            OperatorViews views = new OperatorViews(db, agents, history, live, revocations, clock);
            Overview overview = new Overview(java.util.List.of(
                    counter(meters, "mandate.tokens.issued", "kind", "agent"),
                    counter(meters, "mandate.tokens.renewed", null, null),
                    counter(meters, "mandate.tokens.delegated", null, null),
                    counter(meters, "mandate.tokens.revoked", null, null),
                    counter(meters, "mandate.token.verifications", "verdict", "invalid")),
                    views::stored,
                    () -> apps.list().stream().collect(java.util.stream.Collectors.groupingBy(a -> a.status().wire(),
                            java.util.TreeMap::new, java.util.stream.Collectors.counting())),
                    () -> keys.list().stream().collect(java.util.stream.Collectors.groupingBy(k -> k.state().wire(),
                            java.util.TreeMap::new, java.util.stream.Collectors.counting())),
                    clock);
            overview.sample();
            Endpoints endpoints = new Endpoints(
                    status,
                    new AdminEndpoint(adminAuth, limiter("admin-auth", settings.adminAuthLimit(), settings, journal, meters)),
                    new AppEndpoint(apps, bearer, limiter("app-auth", settings.appAuthLimit(), settings, journal, meters), credentials),
                    new AgentEndpoint(nonces, registration, launchTokens, apps, bearer,
                            limiter("challenge", settings.challengeLimit(), settings, journal, meters),
                            limiter("register", settings.registerLimit(), settings, journal, meters)),
                    new TokenEndpoint(verifier, tokens, bearer, proofs),
                    new DelegationEndpoint(delegations, bearer),
                    new TokenExchangeEndpoint(delegations, verifier, bearer),
                    new RevocationEndpoint(revoker, bearer),
                    new OAuthEndpoint(verifier, proofs, revoker, apps, bearer, credentials, settings.issuer()),
                    new KeyEndpoint(keyRing, keys, bearer),
                    new AuditEndpoint(audit, bearer),
                    new EventStream(events, bearer, settings.eventHeartbeat(), 10_000, clock),
                    new OperatorEndpoint(views, overview, bearer),
                    new OpenApiEndpoint());

            List<String> served = new java.util.concurrent.CopyOnWriteArrayList<>();
            var server = WebServer.builder()
                    .host(settings.bind())
                    .port(settings.port())
                    .shutdownHook(false)
                    .maxPayloadSize(2L * 1024 * 1024)
                    .directHandlers(TransportProblems.handlers())
                    .routing(r -> served.addAll(routing(r, endpoints, meters)));
            if (tls != null) {
                server.tls(tls);
            }
            WebServer started = server.build().start();
            if (!started.isRunning() || started.port() < 0) {
                started.stop();
                throw cannotListen(settings, "the server did not start", null);
            }

            ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().factory());
            every(housekeeping, 60, "pruning revocations", () -> {
                revocations.prune();
                nonces.prune(db);
                events.prune(clock.instant().minus(java.time.Duration.ofDays(1)));
            });
            every(housekeeping, 60, "pruning spent DPoP proofs", proofs::prune);
            every(housekeeping, 1, "expiring tokens", () -> expire(db, live, journal, clock));
            // At a fixed rate, not delay: the overview's rates are per sample of INTERVAL_SECONDS.
            housekeeping.scheduleAtFixedRate(() -> {
                try {
                    overview.sample();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "sampling the overview's rates failed: " + e.getMessage());
                }
            }, Overview.INTERVAL_SECONDS, Overview.INTERVAL_SECONDS, TimeUnit.SECONDS);
            every(housekeeping, 10, "writing audit summaries", audit::flushDropped);
            every(housekeeping, 1, "key lifecycle step", keys::tick);
            Optional<Cluster> node = cluster;
            node.ifPresent(c -> housekeeping.scheduleWithFixedDelay(() -> {
                try {
                    c.prune();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "pruning the cluster's tables failed: " + e.getMessage());
                }
            }, 60, 600, TimeUnit.SECONDS));
            return new Broker(settings, started, db, hsm, audit, revocations, verifier, keys, events, generated,
                    metrics, nonces, housekeeping, node, overview, List.copyOf(served));
        } catch (RuntimeException e) {
            cluster.ifPresent(Cluster::close);
            db.close();
            if (hsm != null) {
                hsm.close();
            }
            metrics.close();
            throw e;
        }
    }

    private static Database openDatabase(Settings settings, MeterRegistry meters) {
        if (settings.databaseServer().isPresent()) {
            return openDatabaseServer(settings.databaseServer().get(), meters);
        }
        try {
            return Database.open(settings.dataDir(), meters);
        } catch (StorageException e) {
            if (e.lockedByAnotherProcess()) {
                throw new StartupFailure(StartupFailure.Reason.DATABASE, "the database in " + settings.dataDir()
                        + " is locked by another process (is another broker running on it?); stop it, or set "
                        + "MANDATE_DATA_DIR to another directory", e);
            }
            throw new StartupFailure(StartupFailure.Reason.DATABASE, "cannot open the database in " + settings.dataDir()
                    + " (" + e.detail() + "); check MANDATE_DATA_DIR", e);
        }
    }

    /**
     * Opens the PostgreSQL database; a failure is one line naming its cause in the operator's terms (the
     * server's SQLSTATE class: 28 authentication, 3D no such database, 08 no connection) and the setting.
     */
    private static Database openDatabaseServer(Settings.DatabaseServer server, MeterRegistry meters) {
        String password = server.passwordFile().map(Main::readPassword).orElse("");
        String where = Settings.withoutQuery(server.url());
        try {
            return Database.openPostgres(server.url(), server.user(), password, meters);
        } catch (StorageException e) {
            String state = e.sqlState();
            String why = state.startsWith("28") ? "the server refused user " + server.user() + " (" + e.detail()
                    + "); check MANDATE_DATABASE_USER and MANDATE_DATABASE_PASSWORD_FILE"
                    : state.equals("3D000") ? "the database does not exist (" + e.detail() + "); check MANDATE_DATABASE_URL"
                    : state.startsWith("08") ? "the server cannot be reached (" + e.detail() + "); check MANDATE_DATABASE_URL"
                    + " and that PostgreSQL is running and accepts connections from this host"
                    : e.detail() + "; check MANDATE_DATABASE_URL";
            throw new StartupFailure(StartupFailure.Reason.DATABASE, "cannot open the database at " + where + ": " + why, e);
        }
    }

    /** The database password from its file (first line); the file must not be readable by group or others. */
    private static String readPassword(Path file) {
        try {
            var mode = Files.getPosixFilePermissions(file);
            if (mode.contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ)
                    || mode.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)) {
                throw new StartupFailure(StartupFailure.Reason.CONFIGURATION, "the database password file " + file
                        + " is readable by group or others; chmod 600 it (MANDATE_DATABASE_PASSWORD_FILE)", null);
            }
            return Files.readString(file).lines().findFirst().orElse("").strip();
        } catch (java.io.IOException e) {
            throw new StartupFailure(StartupFailure.Reason.CONFIGURATION, "the database password file " + file
                    + " cannot be read (" + e.getClass().getSimpleName() + "); check MANDATE_DATABASE_PASSWORD_FILE", e);
        }
    }

    /** The HSM that {@code opening} opened, or the failure it ended with. */
    private static Hsm opened(FutureTask<Hsm> opening) {
        try {
            return opening.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the HSM was being opened", e);
        }
    }

    private static Hsm openHsm(Settings settings) {
        try {
            return Hsm.open(settings.hsm());
        } catch (HsmException e) {
            throw new StartupFailure(StartupFailure.Reason.HSM, "HSM: " + oneLine(e)
                    + " (settings: MANDATE_PKCS11_LIBRARY, MANDATE_PKCS11_SLOT_INDEX, MANDATE_HSM_PIN_FILE)", e);
        }
    }

    /**
     * Binds the listen address once before anything else is opened, so "address in use" is reported by
     * itself rather than as a web server's stack trace. Port 0 (any free port) always binds.
     */
    private static void checkListenAddress(Settings settings) {
        if (settings.port() == 0) {
            return;
        }
        try (var socket = new java.net.ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(settings.bind(), settings.port()));
        } catch (java.io.IOException | IllegalArgumentException | SecurityException e) {
            throw cannotListen(settings, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        }
    }

    private static StartupFailure cannotListen(Settings settings, String why, Throwable cause) {
        return new StartupFailure(StartupFailure.Reason.LISTEN, "cannot listen on " + settings.bind() + ":"
                + settings.port() + " (" + why + "); set MANDATE_PORT / MANDATE_BIND (server.port, server.bind) "
                + "to a free local address, or stop the process that holds it", cause);
    }

    private static java.time.Duration min(java.time.Duration a, java.time.Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** The total of every counter {@code name} (with {@code tag=value} when a tag is given), as the overview samples it. */
    private static java.util.function.DoubleSupplier counter(io.micrometer.core.instrument.MeterRegistry meters, String name,
                                                            String tag, String value) {
        return () -> {
            var search = meters.find(name);
            if (tag != null) {
                search = search.tag(tag, value);
            }
            return search.counters().stream().mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
        };
    }

    /** The tokens alive now: active in the database, unexpired, and matched by no revocation entry. */
    private static LiveTokens liveTokens(Database db, TokenHistory history, Revocations revocations, long now) {
        LiveTokens live = new LiveTokens();
        for (TokenRecord t : db.read(tx -> history.unexpiredActive(tx, now))) {
            if (!revocations.isRevoked(t)) {
                live.add(t, t.expiresAt());
            }
        }
        return live;
    }

    /**
     * Sends {@code token_expired} for every agent token that expired since the last call (SPEC §2.4: within
     * 5 s). The tokens leave the live index only with the write that sends their events: one the writer
     * refuses (overloaded, say) is sent on the next call.
     */
    static void expire(Database db, LiveTokens live, Journal journal, Clock clock) {
        var expired = live.expiredAt(clock.instant().getEpochSecond());
        if (expired.isEmpty()) {
            return;
        }
        db.write(tx -> {
            for (var t : expired) {
                if (!t.subject().equals(dev.mandate.server.claims.TokenClaims.ADMIN)
                        && !t.subject().startsWith(dev.mandate.server.claims.TokenClaims.APP_PREFIX)) {
                    journal.event(tx, new Event.TokenExpired(t.subject(), t.taskId(), t.jti()));
                }
            }
            tx.apply(() -> live.remove(expired));
            return null;
        });
    }

    /** The endpoints the routing table is built from. */
    public record Endpoints(StatusEndpoint status, AdminEndpoint admin, AppEndpoint apps, AgentEndpoint agents,
                            TokenEndpoint tokens, DelegationEndpoint delegation, TokenExchangeEndpoint exchange,
                            RevocationEndpoint revocation,
                            OAuthEndpoint oauth, KeyEndpoint keys, AuditEndpoint audit, EventStream events,
                            OperatorEndpoint operator, OpenApiEndpoint openApi) {
    }

    /**
     * Runs {@code step} every {@code seconds} on the housekeeping thread, from a full period after start; a
     * failed run is logged ({@code what} failed) and the next runs on time.
     */
    private static void every(ScheduledExecutorService housekeeping, long seconds, String what, Runnable step) {
        housekeeping.scheduleWithFixedDelay(() -> {
            try {
                step.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, what + " failed: " + e.getMessage());
            }
        }, seconds, seconds, TimeUnit.SECONDS);
    }

    /** Every route of the broker, in one place; the route table, as {@code METHOD /path}. */
    public static List<String> routing(HttpRouting.Builder routing, Endpoints e, MeterRegistry meters) {
        routing.addFilter(new SecurityHeaders())
               .error(Refusal.class, Problems::handle)
               // The database unreachable (a PostgreSQL restart or failover): 503, and the client tries again.
               .error(StorageException.class, (req, res, failure) -> {
                   LOG.log(Level.WARNING, "database unavailable for " + req.prologue().method().text() + " "
                           + req.path().path() + ": " + failure.detail());
                   Problems.handle(req, res, Refusal.unavailable("the database is unavailable; try again shortly"));
               })
               .error(Throwable.class, Problems::unexpected);
        ApiRoutes routes = new ApiRoutes(routing, meters);
        e.status().routing(routes);
        e.admin().routing(routes);
        e.apps().routing(routes);
        e.agents().routing(routes);
        e.tokens().routing(routes);
        e.delegation().routing(routes);
        e.exchange().routing(routes);
        e.revocation().routing(routes);
        e.oauth().routing(routes);
        e.keys().routing(routes);
        e.audit().routing(routes);
        e.events().routing(routes);
        e.operator().routing(routes);
        e.openApi().routing(routes);
        routes.finish();
        return routes.routes();
    }

    private static RateLimiter limiter(String name, Settings.RateLimit limit, Settings settings, Journal journal,
                                       MeterRegistry meters) {
        Counter refused = Counter.builder("mandate.rate.limited").description("requests refused with 429")
                .tag("limiter", name).register(meters);
        return new RateLimiter(name, limit.rate(), limit.period(), limit.burst(), settings.rateLimitMaxClients(),
                (limiter, key) -> {
                    refused.increment();
                    journal.refuseUnsolicited(Audit.denied("rate_limited", "limiter=" + limiter), key);
                });
    }
}
