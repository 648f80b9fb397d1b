package dev.mandate.server.admin;

import dev.mandate.hsm.PinFile;
import dev.mandate.server.audit.Audit;
import dev.mandate.server.journal.Journal;
import dev.mandate.server.error.Refusal;
import dev.mandate.server.scope.Scopes;
import dev.mandate.server.storage.Database;
import dev.mandate.server.token.IssuedToken;
import dev.mandate.server.claims.TokenClaims;
import dev.mandate.server.token.TokenIssuer;
import dev.mandate.server.token.Tokens;

import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The admin secret (hashed in H2) and admin logins. */
public final class AdminAuth {

    private static final System.Logger LOG = System.getLogger(AdminAuth.class.getName());
    public static final List<String> ADMIN_SCOPES =
            List.of("admin:launch-tokens:*", "admin:revoke:*", "admin:audit:*", "admin:keys:*");
    private static final String SETTING = "admin_secret_hash";

    private final Database db;
    private final Journal journal;
    private final Tokens tokens;
    private final SecretHash hashes;
    private final JdbcSettingsStore settings = new JdbcSettingsStore();
    private final Duration ttl;
    private volatile String storedHash;

    public AdminAuth(Database db, Journal journal, Tokens tokens, SecretHash hashes, Duration ttl) {
        this.db = db;
        this.journal = journal;
        this.tokens = tokens;
        this.hashes = hashes;
        this.ttl = ttl;
    }

    /**
     * Settles the admin secret at start-up: {@code configured} (MANDATE_ADMIN_SECRET) replaces the stored
     * hash; else the stored hash stays; else a new secret is generated into {@code secretFile} (mode
     * 0600) and only its hash is stored. Returns the file when one was written.
     */
    public Optional<Path> initialize(Optional<String> configured, Path secretFile) {
        String current = db.read(tx -> settings.get(tx, SETTING).orElse(null));
        Optional<Path> written = Optional.empty();
        String secret = null;
        if (configured.isPresent()) {
            if (current == null || !hashes.matches(configured.get(), current)) {
                secret = configured.get();
            }
        } else if (current == null && java.nio.file.Files.exists(secretFile)) {
            // A fresh database next to an existing secret file (e.g. written by the installer): adopt it.
            secret = PinFile.read(secretFile);
        } else if (current == null) {
            secret = SecretHash.newSecret();
            try {
                PinFile.create(secretFile, secret);
                written = Optional.of(secretFile);
            } catch (FileAlreadyExistsException e) {
                // Another broker starting on the same data directory (a node of a cluster) wrote it first,
                // whole (PinFile links it into place complete): this one adopts it.
                secret = PinFile.read(secretFile);
            } catch (UncheckedIOException e) {
                throw new IllegalStateException("cannot write " + secretFile + ": " + e.getCause().getMessage());
            }
        }
        if (secret != null) {
            if (secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > SecretHash.MAX_SECRET_BYTES) {
                throw new IllegalStateException("the admin secret must be at most 72 bytes");
            }
            String hash = hashes.hash(secret);
            boolean generatedOrAdopted = configured.isEmpty();
            String settled = db.write(tx -> {
                // Decided here: another node of a cluster, starting at the same time, may have settled it.
                Optional<String> meanwhile = settings.get(tx, SETTING);
                if (generatedOrAdopted && meanwhile.isPresent()) {
                    return meanwhile.get();
                }
                settings.put(tx, SETTING, hash);
                tx.propagate();
                return hash;
            });
            if (!settled.equals(hash)) {
                LOG.log(Level.WARNING, "another node set the admin secret first; its secret holds"
                        + (written.isPresent() ? " (" + secretFile + " removed)" : ""));
                if (written.isPresent()) {
                    try {
                        java.nio.file.Files.deleteIfExists(secretFile);
                    } catch (java.io.IOException e) {
                        LOG.log(Level.WARNING, "could not remove " + secretFile + ": " + e.getMessage());
                    }
                }
                storedHash = settled;
                return Optional.empty();
            }
            current = hash;
            LOG.log(Level.INFO, written.isPresent() ? "generated the admin secret into " + secretFile
                    : configured.isPresent() ? "admin secret set from MANDATE_ADMIN_SECRET (stored hashed)"
                    : "admin secret taken from " + secretFile + " (stored hashed)");
        }
        storedHash = current;
        return written;
    }

    /** In {@code tx}: the secret another node of a cluster set at its start holds here too. */
    public void refresh(Database.Tx tx) {
        settings.get(tx, SETTING).ifPresent(hash -> storedHash = hash);
    }

    /** An admin token for the right secret; {@code client} (the caller's address) goes into the audit of a failure. */
    public IssuedToken authenticate(String secret, String client) {
        String checked = storedHash;
        if (!hashes.matches(secret, checked)) {
            journal.refuseUnsolicited(Audit.denied("admin_auth_failed", "invalid admin credentials"), client);
            throw Refusal.unauthorized("invalid credentials");
        }
        IssuedToken signed = tokens.sign(new TokenIssuer.Request(TokenClaims.ADMIN, Scopes.trusted(ADMIN_SCOPES),
                tokens.now().plus(ttl), "", "", List.of()));
        return db.write(tx -> {
            // Decided here: another node of a cluster may have replaced the secret since this one caught up.
            if (settings.get(tx, SETTING).filter(checked::equals).isEmpty()) {
                throw Refusal.unauthorized("invalid credentials");
            }
            IssuedToken token = tokens.record(tx, signed);
            journal.record(tx, Audit.success("admin_auth", "jti=" + token.claims().jti()));
            return token;
        });
    }

}
