package dev.mandate.server.app;

import dev.mandate.server.scope.Scopes;
import dev.mandate.server.storage.Database;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The {@code apps} table. */
final class JdbcAppStore {

    private static final String COLUMNS =
            "app_id, name, client_id, scopes, token_ttl, status, created_at, updated_at, deregistered_at, sender_constrained";

    void insert(Database.Tx tx, App app, String secretHash) {
        tx.update("INSERT INTO apps (" + COLUMNS + ", client_secret_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                app.appId(), app.name(), app.clientId(), String.join(" ", app.scopes().strings()), app.tokenTtl(),
                app.status().wire(), app.createdAt().getEpochSecond(), app.updatedAt().getEpochSecond(), null,
                app.senderConstrained(), secretHash);
    }

    boolean nameTaken(Database.Tx tx, String name) {
        return tx.first("SELECT 1 FROM apps WHERE name = ?", rs -> true, name).isPresent();
    }

    void update(Database.Tx tx, App app) {
        tx.update("""
                UPDATE apps SET scopes = ?, token_ttl = ?, status = ?, updated_at = ?, deregistered_at = ?,
                                sender_constrained = ? WHERE app_id = ?""",
                String.join(" ", app.scopes().strings()), app.tokenTtl(), app.status().wire(),
                app.updatedAt().getEpochSecond(),
                app.deregisteredAt() == null ? null : app.deregisteredAt().getEpochSecond(), app.senderConstrained(),
                app.appId());
    }

    /** The ceiling of the app if it is active (for an issuing transaction). */
    Optional<Ceiling> activeCeiling(Database.Tx tx, String appId) {
        return byId(tx, appId).filter(App::active).map(a -> new Ceiling(a.scopes(), a.senderConstrained()));
    }

    Optional<App> byId(Database.Tx tx, String appId) {
        return tx.first("SELECT " + COLUMNS + " FROM apps WHERE app_id = ?", JdbcAppStore::app, appId);
    }

    Optional<App> byClientId(Database.Tx tx, String clientId) {
        return tx.first("SELECT " + COLUMNS + " FROM apps WHERE client_id = ?", JdbcAppStore::app, clientId);
    }

    Optional<String> secretHash(Database.Tx tx, String clientId) {
        return tx.first("SELECT client_secret_hash FROM apps WHERE client_id = ?", rs -> rs.getString(1), clientId);
    }

    List<App> all(Database.Tx tx) {
        return tx.list("SELECT " + COLUMNS + " FROM apps ORDER BY created_at, name", JdbcAppStore::app);
    }

    private static App app(ResultSet rs) throws SQLException {
        Long deregistered = rs.getObject(9, Long.class);
        return new App(rs.getString(1), rs.getString(2), rs.getString(3),
                Scopes.trusted(Arrays.asList(rs.getString(4).split(" "))), rs.getInt(5), AppStatus.ofWire(rs.getString(6)),
                Instant.ofEpochSecond(rs.getLong(7)), Instant.ofEpochSecond(rs.getLong(8)),
                deregistered == null ? null : Instant.ofEpochSecond(deregistered), rs.getBoolean(10));
    }
}
