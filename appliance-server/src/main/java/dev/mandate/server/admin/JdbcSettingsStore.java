package dev.mandate.server.admin;

import dev.mandate.server.storage.Database;

import java.util.Optional;

/** The {@code settings} table: the appliance's own key/value settings (the admin secret's bcrypt hash). */
final class JdbcSettingsStore {

    Optional<String> get(Database.Tx tx, String name) {
        return tx.first("SELECT setting_value FROM settings WHERE setting_name = ?", rs -> rs.getString(1), name);
    }

    void put(Database.Tx tx, String name, String value) {
        tx.update("MERGE INTO settings (setting_name, setting_value) KEY (setting_name) VALUES (?, ?)", name, value);
    }
}
