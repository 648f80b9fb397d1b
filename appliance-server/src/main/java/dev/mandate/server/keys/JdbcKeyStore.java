package dev.mandate.server.keys;

import dev.mandate.server.storage.Database;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code signing_keys} table: metadata and public JWKs only. */
final class JdbcKeyStore {

    private static final String COLUMNS = "kid, label, alg, state, created_at, activates_at, activated_at, retired_at";

    void insert(Database.Tx tx, KeyRecord k, String publicJwk) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "INSERT INTO signing_keys (" + COLUMNS + ", public_jwk) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, k.kid());
            ps.setString(2, k.label());
            ps.setString(3, k.alg());
            ps.setString(4, k.state().wire());
            ps.setLong(5, k.createdAt().getEpochSecond());
            ps.setObject(6, seconds(k.activatesAt()));
            ps.setObject(7, seconds(k.activatedAt()));
            ps.setObject(8, seconds(k.retiredAt()));
            ps.setString(9, publicJwk);
            ps.executeUpdate();
        }
    }

    void update(Database.Tx tx, KeyRecord k) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "UPDATE signing_keys SET state = ?, activates_at = ?, activated_at = ?, retired_at = ? WHERE kid = ?")) {
            ps.setString(1, k.state().wire());
            ps.setObject(2, seconds(k.activatesAt()));
            ps.setObject(3, seconds(k.activatedAt()));
            ps.setObject(4, seconds(k.retiredAt()));
            ps.setString(5, k.kid());
            ps.executeUpdate();
        }
    }

    List<KeyRecord> all(Database.Tx tx) throws SQLException {
        List<KeyRecord> keys = new ArrayList<>();
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT " + COLUMNS + " FROM signing_keys ORDER BY created_at, kid");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                keys.add(new KeyRecord(rs.getString(1), rs.getString(2), rs.getString(3), KeyState.ofWire(rs.getString(4)),
                        Instant.ofEpochSecond(rs.getLong(5)), instant(rs, 6), instant(rs, 7), instant(rs, 8)));
            }
        }
        return keys;
    }

    /** The public JWKs of the keys that still verify tokens. */
    List<String> verifyingJwks(Database.Tx tx) throws SQLException {
        List<String> states = java.util.Arrays.stream(KeyState.values()).filter(KeyState::verifies).map(KeyState::wire).toList();
        List<String> jwks = new ArrayList<>();
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "SELECT public_jwk FROM signing_keys WHERE state IN (" + "?,".repeat(states.size() - 1) + "?)")) {
            for (int i = 0; i < states.size(); i++) {
                ps.setString(i + 1, states.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    jwks.add(rs.getString(1));
                }
            }
        }
        return jwks;
    }

    /** The latest expiry of any token the key signed, if it signed any. */
    Optional<Long> lastTokenExpiry(Database.Tx tx, String kid) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT MAX(expires_at) FROM tokens WHERE kid = ?")) {
            ps.setString(1, kid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long max = rs.getLong(1);
                return rs.wasNull() ? Optional.empty() : Optional.of(max);
            }
        }
    }

    private static Long seconds(Instant instant) {
        return instant == null ? null : instant.getEpochSecond();
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochSecond(value);
    }
}
