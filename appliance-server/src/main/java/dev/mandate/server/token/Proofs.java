package dev.mandate.server.token;

import dev.mandate.server.claims.TokenClaims;
import dev.mandate.server.storage.Database;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;

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

    /** {@code window}: how far a proof's {@code iat} may lie from the broker's clock, either way. */
    public Proofs(Database db, Clock clock, Duration window) {
        this.db = db;
        this.clock = clock;
        this.window = window;
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
