package dev.mandate.server.app;

import dev.mandate.server.scope.Scopes;
import dev.mandate.server.storage.Database;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The {@code apps} table. */
final class JdbcAppStore {

    private static final String COLUMNS =
            "app_id, name, client_id, scopes, token_ttl, status, created_at, updated_at, deregistered_at";

    void insert(Database.Tx tx, App app, String secretHash) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "INSERT INTO apps (" + COLUMNS + ", client_secret_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, app.appId());
            ps.setString(2, app.name());
            ps.setString(3, app.clientId());
            ps.setString(4, String.join(" ", app.scopes().strings()));
            ps.setInt(5, app.tokenTtl());
            ps.setString(6, app.status().wire());
            ps.setLong(7, app.createdAt().getEpochSecond());
            ps.setLong(8, app.updatedAt().getEpochSecond());
            ps.setObject(9, null);
            ps.setString(10, secretHash);
            ps.executeUpdate();
        }
    }

    boolean nameTaken(Database.Tx tx, String name) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT 1 FROM apps WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    void update(Database.Tx tx, App app) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "UPDATE apps SET scopes = ?, token_ttl = ?, status = ?, updated_at = ?, deregistered_at = ? WHERE app_id = ?")) {
            ps.setString(1, String.join(" ", app.scopes().strings()));
            ps.setInt(2, app.tokenTtl());
            ps.setString(3, app.status().wire());
            ps.setLong(4, app.updatedAt().getEpochSecond());
            ps.setObject(5, app.deregisteredAt() == null ? null : app.deregisteredAt().getEpochSecond());
            ps.setString(6, app.appId());
            ps.executeUpdate();
        }
    }

    /** Every agent the app launched (through its launch tokens). */
    java.util.List<String> agentsOf(Database.Tx tx, String appId) throws SQLException {
        java.util.List<String> agents = new java.util.ArrayList<>();
        try (var ps = tx.connection().prepareStatement("SELECT agent_id FROM agents WHERE app_id = ?")) {
            ps.setString(1, appId);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    agents.add(rs.getString(1));
                }
            }
        }
        return agents;
    }

    /** The app whose launch token registered {@code agentId}, if any. */
    Optional<String> appIdOfAgent(Database.Tx tx, String agentId) throws SQLException {
        try (var ps = tx.connection().prepareStatement("SELECT app_id FROM agents WHERE agent_id = ?")) {
            ps.setString(1, agentId);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** The scope ceiling of the app if it is active (for an issuing transaction). */
    Optional<Scopes> activeScopes(Database.Tx tx, String appId) {
        try {
            return byId(tx, appId).filter(App::active).map(App::scopes);
        } catch (SQLException e) {
            throw new dev.mandate.server.storage.StorageException(e);
        }
    }

    Optional<App> byId(Database.Tx tx, String appId) throws SQLException {
        return one(tx, "app_id", appId);
    }

    Optional<App> byClientId(Database.Tx tx, String clientId) throws SQLException {
        return one(tx, "client_id", clientId);
    }

    Optional<String> secretHash(Database.Tx tx, String clientId) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT client_secret_hash FROM apps WHERE client_id = ?")) {
            ps.setString(1, clientId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    List<App> all(Database.Tx tx) throws SQLException {
        List<App> apps = new ArrayList<>();
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT " + COLUMNS + " FROM apps ORDER BY created_at, name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                apps.add(app(rs));
            }
        }
        return apps;
    }

    private Optional<App> one(Database.Tx tx, String column, String value) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT " + COLUMNS + " FROM apps WHERE " + column + " = ?")) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(app(rs)) : Optional.empty();
            }
        }
    }

    private static App app(ResultSet rs) throws SQLException {
        long deregistered = rs.getLong(9);
        boolean active = rs.wasNull();
        return new App(rs.getString(1), rs.getString(2), rs.getString(3),
                Scopes.trusted(Arrays.asList(rs.getString(4).split(" "))), rs.getInt(5), AppStatus.ofWire(rs.getString(6)),
                Instant.ofEpochSecond(rs.getLong(7)), Instant.ofEpochSecond(rs.getLong(8)),
                active ? null : Instant.ofEpochSecond(deregistered));
    }
}
