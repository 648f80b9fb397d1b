package dev.mandate.server.keys;

import dev.mandate.server.storage.Database;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** The {@code signing_keys} table: metadata and public JWKs only. */
final class JdbcKeyStore {

    private static final String COLUMNS = "kid, label, alg, state, created_at, activates_at, activated_at, retired_at";

    void insert(Database.Tx tx, KeyRecord k, String publicJwk) {
        tx.update("INSERT INTO signing_keys (" + COLUMNS + ", public_jwk) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                k.kid(), k.label(), k.alg(), k.state().wire(), k.createdAt().getEpochSecond(), seconds(k.activatesAt()),
                seconds(k.activatedAt()), seconds(k.retiredAt()), publicJwk);
    }

    void update(Database.Tx tx, KeyRecord k) {
        tx.update("UPDATE signing_keys SET state = ?, activates_at = ?, activated_at = ?, retired_at = ? WHERE kid = ?",
                k.state().wire(), seconds(k.activatesAt()), seconds(k.activatedAt()), seconds(k.retiredAt()), k.kid());
    }

    List<KeyRecord> all(Database.Tx tx) {
        return tx.list("SELECT " + COLUMNS + " FROM signing_keys ORDER BY created_at, kid", rs -> new KeyRecord(
                rs.getString(1), rs.getString(2), rs.getString(3), KeyState.ofWire(rs.getString(4)),
                Instant.ofEpochSecond(rs.getLong(5)), instant(rs, 6), instant(rs, 7), instant(rs, 8)));
    }

    /** The public JWKs of the keys that still verify tokens. */
    List<String> verifyingJwks(Database.Tx tx) {
        Object[] states = Arrays.stream(KeyState.values()).filter(KeyState::verifies).map(KeyState::wire).toArray();
        return tx.list("SELECT public_jwk FROM signing_keys WHERE state IN (" + "?,".repeat(states.length - 1) + "?)",
                rs -> rs.getString(1), states);
    }

    private static Long seconds(Instant instant) {
        return instant == null ? null : instant.getEpochSecond();
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Long value = rs.getObject(column, Long.class);
        return value == null ? null : Instant.ofEpochSecond(value);
    }
}
