package dev.mandate.server.keys;

import com.nimbusds.jose.jwk.ECKey;
import dev.mandate.hsm.Hsm;
import dev.mandate.hsm.SigningKey;
import dev.mandate.server.audit.Audit;
import dev.mandate.server.audit.AuditLog;
import dev.mandate.server.storage.Database;

import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Key metadata in H2 ({@code signing_keys}) and the start-up rule: use the active key, or generate the
 * first one in the HSM when there is none. Rotation and retirement come with the key lifecycle.
 */
public final class SigningKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;
    private final AuditLog audit;
    private final Clock clock;

    public SigningKeys(Database db, AuditLog audit, Clock clock) {
        this.db = db;
        this.audit = audit;
        this.clock = clock;
    }

    /** The label of the active key, generating and recording the first key if there is none. */
    public String activeLabel(Hsm hsm) {
        Optional<String> active = db.read(tx -> {
            try (var ps = tx.connection().prepareStatement("SELECT label FROM signing_keys WHERE state = 'active'");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
            }
        });
        if (active.isPresent()) {
            return active.get();
        }
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(suffix);
        String label = "mandate-" + clock.instant().getEpochSecond() + "-" + HexFormat.of().formatHex(suffix);
        SigningKey key = hsm.generateSigningKey(label);
        ECKey jwk = hsm.publicJwk(label);
        long now = clock.instant().getEpochSecond();
        db.write(tx -> {
            try (PreparedStatement ps = tx.connection().prepareStatement("""
                    INSERT INTO signing_keys (kid, label, alg, public_jwk, state, created_at, activated_at)
                    VALUES (?, ?, 'ES256', ?, 'active', ?, ?)""")) {
                ps.setString(1, key.kid());
                ps.setString(2, label);
                ps.setString(3, jwk.toPublicJWK().toJSONString());
                ps.setLong(4, key.createdAt().getEpochSecond());
                ps.setLong(5, now);
                ps.executeUpdate();
            }
            audit.record(tx, Audit.success("key_generated", "kid=" + key.kid() + " label=" + label));
            audit.record(tx, Audit.success("key_activated", "kid=" + key.kid()));
            return null;
        });
        return label;
    }

    /** Puts every key that may still verify a token into {@code ring}, from the stored public JWKs. */
    public void load(KeyRing ring) {
        db.read(tx -> {
            try (var ps = tx.connection().prepareStatement(
                    "SELECT public_jwk FROM signing_keys WHERE state IN ('next', 'active', 'retiring')");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ring.add(ECKey.parse(rs.getString(1)));
                }
            } catch (ParseException e) {
                throw new SQLException("stored public JWK is not a JWK", e);
            }
            return null;
        });
    }
}
