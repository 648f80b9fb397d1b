package dev.mandate.server.app;

import dev.mandate.server.admin.SecretHash;
import dev.mandate.server.audit.Audit;
import dev.mandate.server.journal.Journal;
import dev.mandate.server.error.Refusal;
import dev.mandate.server.scope.Scopes;
import dev.mandate.server.revocation.Revocations;
import dev.mandate.server.revocation.Revoker;
import dev.mandate.server.storage.Database;
import dev.mandate.server.token.IssuedToken;
import dev.mandate.server.claims.TokenClaims;
import dev.mandate.server.token.TokenIssuer;
import dev.mandate.server.token.Tokens;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** App registration, update, deactivation and client-credential login. */
public final class Apps {

    public static final List<String> APP_SCOPES = List.of("app:launch-tokens:*", "app:agents:*", "app:audit:read");
    private static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9](?:-?[a-z0-9]+)*$");
    private static final int DEFAULT_TTL = 1800;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new app and its client secret, which exists only in this answer. */
    public record Created(App app, String clientSecret) {
        @Override
        public String toString() {
            return "Created[app=" + app.appId() + "]";
        }
    }

    private final Database db;
    private final Journal journal;
    private final Tokens tokens;
    private final SecretHash hashes;
    private final JdbcAppStore store = new JdbcAppStore();
    private final Set<String> inactive = ConcurrentHashMap.newKeySet();

    private final Revoker revoker;
    private final Launched launched;
    private final long maxTtlSeconds;

    /** What apps ask of the agents table's owner: which agents an app's launch tokens registered. */
    public interface Launched {
        /** Every agent the app launched (through its launch tokens). */
        List<String> agentsOf(Database.Tx tx, String appId);

        /** The app whose launch token registered {@code agentId}, if any. */
        Optional<String> appIdOf(Database.Tx tx, String agentId);

        /** From now on, every token of every agent the app launched is bound to that agent's key. */
        void requireBinding(Database.Tx tx, String appId);
    }

    public Apps(Database db, Journal journal, Tokens tokens, Revoker revoker, Launched launched, SecretHash hashes,
                java.time.Duration maxTtl) {
        this.maxTtlSeconds = maxTtl.toSeconds();
        this.db = db;
        this.revoker = revoker;
        this.launched = launched;
        this.journal = journal;
        this.tokens = tokens;
        this.hashes = hashes;
        db.read(tx -> store.all(tx)).stream().filter(a -> !a.active()).forEach(a -> inactive.add(a.appId()));
    }

    /** In {@code tx}: the apps deactivated on another node of a cluster are refused here too. */
    public void refresh(Database.Tx tx) {
        store.all(tx).stream().filter(a -> !a.active()).forEach(a -> inactive.add(a.appId()));
    }

    /** True when the app was deactivated: its tokens are refused. */
    public boolean isInactive(String appId) {
        return inactive.contains(appId);
    }

    /** A new app; with {@code senderConstrained}, its agents' tokens are all bound to their keys (RFC 9449). */
    public Created create(String name, Scopes scopes, Optional<Long> tokenTtl, boolean senderConstrained) {
        checkName(name);
        checkCeiling(scopes);
        int ttl = checkTtl(tokenTtl.orElse((long) DEFAULT_TTL));
        String secret = SecretHash.newSecret();
        String hash = hashes.hash(secret);
        Instant now = tokens.now();
        App app = new App(UUID.randomUUID().toString(), name, newClientId(), scopes, ttl, AppStatus.ACTIVE, now, now, null,
                senderConstrained);
        db.write(tx -> {
            if (store.nameTaken(tx, name)) {
                throw Refusal.conflict("an app named '" + name + "' exists");
            }
            store.insert(tx, app, hash);
            journal.record(tx, Audit.success("app_registered", "app_id=" + app.appId() + " name=" + name
                    + " scopes=" + scopes.strings() + (senderConstrained ? " sender_constrained=true" : "")));
            return null;
        });
        return new Created(app, secret);
    }

    public List<App> list() {
        return db.read(store::all);
    }

    public App get(String appId) {
        return db.read(tx -> store.byId(tx, appId)).orElseThrow(() -> Refusal.notFound("no such app"));
    }

    /**
     * New ceiling (scopes, whether its agents' tokens are bound to their keys) and/or token TTL; status is not
     * changed here. Binding applies to registrations from now on, through launch tokens made before too.
     */
    public App update(String appId, Optional<Scopes> scopes, Optional<Long> tokenTtl, Optional<Boolean> senderConstrained) {
        scopes.ifPresent(Apps::checkCeiling);
        Optional<Integer> ttl = tokenTtl.map(Apps::checkTtl);
        return db.write(tx -> {
            App old = store.byId(tx, appId).orElseThrow(() -> Refusal.notFound("no such app"));
            App updated = new App(old.appId(), old.name(), old.clientId(), scopes.orElse(old.scopes()),
                    ttl.orElse(old.tokenTtl()), old.status(), old.createdAt(), tokens.now(), old.deregisteredAt(),
                    senderConstrained.orElse(old.senderConstrained()));
            store.update(tx, updated);
            if (updated.senderConstrained() && !old.senderConstrained()) {
                launched.requireBinding(tx, appId);
            }
            journal.record(tx, Audit.success("app_updated", "app_id=" + appId + " scopes=" + updated.scopes().strings()
                    + " token_ttl=" + updated.tokenTtl() + " sender_constrained=" + updated.senderConstrained()));
            return updated;
        });
    }

    /** What a deactivation did: the app as it is now, and how many live tokens its agents' trees lost. */
    public record Deactivated(App app, int revokedAgents, int count) {
    }

    /**
     * Deactivates the app: its own tokens and its launch tokens stop working before this returns. With
     * {@code revokeAgents}, every agent it launched is also revoked at chain level in the same transaction;
     * without it, agents launched earlier keep their tokens.
     */
    public Deactivated deactivate(String appId, boolean revokeAgents) {
        return db.write(tx -> {
            App old = store.byId(tx, appId).orElseThrow(() -> Refusal.notFound("no such app"));
            int agents = 0;
            int count = 0;
            if (revokeAgents) {
                for (String agentId : launched.agentsOf(tx, appId)) {
                    count += revoker.revokeIn(tx, Revocations.Level.CHAIN, agentId).count();
                    agents++;
                }
            }
            if (!old.active()) {
                return new Deactivated(old, agents, count);
            }
            Instant now = tokens.now();
            App gone = new App(old.appId(), old.name(), old.clientId(), old.scopes(), old.tokenTtl(), AppStatus.INACTIVE,
                    old.createdAt(), now, now, old.senderConstrained());
            store.update(tx, gone);
            journal.record(tx, Audit.success("app_deregistered", "app_id=" + appId
                    + (revokeAgents ? " revoked_agents=" + agents + " count=" + count : "")));
            tx.apply(() -> inactive.add(appId));
            tx.propagate();
            return new Deactivated(gone, agents, count);
        });
    }

    /** The active app these client credentials belong to; 401 (audited) otherwise. */
    public App checkCredentials(String clientId, String clientSecret, String client) {
        Found found = db.read(tx -> {
            Optional<App> app = store.byClientId(tx, clientId);
            return app.isPresent() ? new Found(app.get(), store.secretHash(tx, clientId).orElse(null))
                    : new Found(null, null);
        });
        boolean ok = hashes.matches(clientSecret, found.hash()) && found.app() != null && found.app().active();
        if (!ok) {
            journal.refuseUnsolicited(Audit.denied("app_auth_failed", "client_id=" + clientId.substring(0,
                    Math.min(clientId.length(), 64))), client);
            throw Refusal.unauthorized("invalid client credentials");
        }
        return found.app();
    }

    /** The app that launched {@code agentId}; empty for an operator-launched or unknown agent. */
    public Optional<App> appOfAgent(String agentId) {
        return db.read(tx -> {
            Optional<String> appId = launched.appIdOf(tx, agentId);
            return appId.isEmpty() ? Optional.<App>empty() : store.byId(tx, appId.get());
        });
    }

    public Optional<App> find(String appId) {
        return db.read(tx -> store.byId(tx, appId));
    }

    /** Client-credential login of an active app. */
    public IssuedToken authenticate(String clientId, String clientSecret, String client) {
        App app = checkCredentials(clientId, clientSecret, client);
        IssuedToken signed = tokens.sign(new TokenIssuer.Request(TokenClaims.APP_PREFIX + app.appId(),
                Scopes.trusted(APP_SCOPES), tokens.now().plusSeconds(Math.min(app.tokenTtl(), maxTtlSeconds)), "", "", List.of()));
        return db.write(tx -> {
            // The secret was checked and the token signed outside the writer (bcrypt and the HSM are slow);
            // whether the app is still active is decided here.
            if (store.byId(tx, app.appId()).filter(App::active).isEmpty()) {
                throw Refusal.unauthorized("invalid client credentials");
            }
            IssuedToken token = tokens.record(tx, signed);
            journal.record(tx, Audit.success("app_authenticated", "app_id=" + app.appId() + " jti=" + token.claims().jti()));
            return token;
        });
    }

    /** In {@code tx}: the ceiling of the app if it is active. */
    public Optional<Ceiling> activeCeiling(Database.Tx tx, String appId) {
        return store.activeCeiling(tx, appId);
    }

    /** The scope ceiling of an active app (for its launch tokens). */
    public Scopes ceiling(String appId) {
        App app = get(appId);
        if (!app.active()) {
            throw Refusal.tokenVerificationFailed();
        }
        return app.scopes();
    }

    private record Found(App app, String hash) {
    }

    private static void checkName(String name) {
        if (name.length() > 64 || !NAME.matcher(name).matches()) {
            throw Refusal.badRequest("'name' must match ^[a-z][a-z0-9](?:-?[a-z0-9]+)*$ and be at most 64 characters");
        }
    }

    private static void checkCeiling(Scopes scopes) {
        if (scopes.isEmpty()) {
            throw Refusal.badRequest("'scopes' must not be empty");
        }
        if (scopes.anyReserved()) {
            throw Refusal.badRequest("'scopes' must not hold admin: or app: scopes");
        }
    }

    private static int checkTtl(long ttl) {
        if (ttl < 60 || ttl > 86_400) {
            throw Refusal.invalidTtl("'token_ttl' must be 60 to 86400 seconds");
        }
        return (int) ttl;
    }

    private static String newClientId() {
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        return "app-" + HexFormat.of().formatHex(id);
    }
}
