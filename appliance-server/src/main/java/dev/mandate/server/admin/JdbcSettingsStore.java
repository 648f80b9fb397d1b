package dev.mandate.server.admin;

import dev.mandate.server.storage.Database;

import java.util.Optional;

/** The {@code settings} table: the appliance's own key/value settings (the admin secret's bcrypt hash). */
final class JdbcSettingsStore {

    Optional<String> get(Database.Tx tx, String name) {
        return tx.first("SELECT setting_value FROM settings WHERE setting_name = ?", rs -> rs.getString(1), name);
    }

    void put(Database.Tx tx, String name, String value) {
        // Update, else insert: the same words on H2 and PostgreSQL, and no race with one writer.
        if (tx.update("UPDATE settings SET setting_value = ? WHERE setting_name = ?", value, name) == 0) {
            tx.update("INSERT INTO settings (setting_name, setting_value) VALUES (?, ?)", name, value);
        }
    }
}
