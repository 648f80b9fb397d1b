package dev.mandate.server.token;

import dev.mandate.server.claims.TokenClaims;
import dev.mandate.server.storage.Database;

import dev.mandate.server.error.Refusal;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Whether a request proves possession of the key its bound token names (RFC 9449): a {@link Dpop#check valid}
 * proof, presented for the first time. Its jti is spent in a transaction of its own that commits before the
 * request acts on the token, across every node (the table is shared): a replay is refused however it races
 * the first use, and a proof whose request then fails is spent all the same (the holder makes another).
 */
public final class Proofs {

    private static final JdbcProofStore STORE = new JdbcProofStore();

    private final Database db;
    private final Clock clock;
    private final Duration window;
    private final String issuer;

    /**
     * {@code window}: how far a proof's {@code iat} may lie from the broker's clock, either way;
     * {@code issuer}: the broker's public URL, which a proof for one of its routes names (never what a
     * request's Host header says: a proof the holder made for another server must not work here).
     */
    public Proofs(Database db, Clock clock, Duration window, String issuer) {
        this.db = db;
        this.clock = clock;
        this.window = window;
        this.issuer = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    }

    /** True when {@code proof} proves, once, that the sender of {@code method} to the broker's {@code rawPath} holds {@code token}'s key. */
    public boolean acceptsHere(String proof, String method, String rawPath, String token, TokenClaims claims) {
        try {
            return accepts(proof, method, new URI(issuer + rawPath), token, claims);
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** True when {@code proof} proves, once, that the sender of {@code method} {@code uri} holds {@code token}'s key. */
    public boolean accepts(String proof, String method, URI uri, String token, TokenClaims claims) {
        if (!claims.bound()) {
            return false;
        }
        return Dpop.check(proof, method, uri, token, claims.cnfJkt(), clock.instant(), window)
                .map(p -> db.write(tx -> STORE.spend(tx, id(p), p.usableUntil().plus(window).toEpochMilli())))
                .orElse(false);
    }

    /**
     * For a resource server that asks the broker (validate, introspection): whether {@code proof}, the DPoP
     * header it received with a request of {@code htm} to {@code htu}, proves {@code token}'s key, once;
     * empty when no proof is given. A proof without the method and URL it came with is a 400.
     */
    public Optional<Boolean> matches(Optional<String> proof, Optional<String> htm, Optional<String> htu, String token,
                                     TokenClaims claims) {
        if (proof.isEmpty()) {
            return Optional.empty();
        }
        if (htm.isEmpty() || htu.isEmpty()) {
            throw Refusal.badRequest("'dpop_proof' needs 'htm' and 'htu': the method and URL of the request it came with");
        }
        URI uri;
        try {
            uri = new URI(htu.get());
        } catch (URISyntaxException e) {
            throw Refusal.badRequest("'htu' must be an absolute http or https URL");
        }
        if (uri.getHost() == null || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
            throw Refusal.badRequest("'htu' must be an absolute http or https URL");
        }
        return Optional.of(accepts(proof.get(), htm.get(), uri, token, claims));
    }

    /** Forgets proofs too old to be accepted again. */
    public int prune() {
        long now = clock.millis();
        return db.write(tx -> STORE.prune(tx, now));
    }

    /** The key a proof is spent under: its key's thumbprint and its jti, hashed to a fixed width. */
    private static String id(Dpop.Proof p) {
        return HexFormat.of().formatHex(Dpop.sha256((p.jkt() + " " + p.jti()).getBytes(StandardCharsets.UTF_8)));
    }
}
