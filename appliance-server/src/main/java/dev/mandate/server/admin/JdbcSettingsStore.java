package dev.mandate.server.admin;

import dev.mandate.server.storage.Database;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** The {@code settings} table: the appliance's own key/value settings (the admin secret's bcrypt hash). */
final class JdbcSettingsStore {

    Optional<String> get(Database.Tx tx, String name) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT setting_value FROM settings WHERE setting_name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    void put(Database.Tx tx, String name, String value) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "MERGE INTO settings (setting_name, setting_value) KEY (setting_name) VALUES (?, ?)")) {
            ps.setString(1, name);
            ps.setString(2, value);
            ps.executeUpdate();
        }
    }
}
