package dev.mandate.server.storage;

import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The schema, brought up to date at start-up by Flyway from {@code db/migration/V<n>__*.sql} (never edit
 * a migration that has shipped: add the next). Flyway over a hand-written runner because it speaks H2 and
 * PostgreSQL alike, checksums what it applied, and serialises concurrent starts on a shared database.
 * A database made before Flyway (its own {@code schema_version} table) is baselined at the version it
 * recorded, then migrated on from there.
 */
final class Migrations {

    private Migrations() {
    }

    static void apply(DataSource dataSource) throws SQLException {
        int legacy = legacyVersion(dataSource);
        var config = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .cleanDisabled(true)
                .validateMigrationNaming(true);
        if (legacy > 0) {
            config.baselineOnMigrate(true).baselineVersion(Integer.toString(legacy))
                    .baselineDescription("schema_version " + legacy + " (before Flyway)");
        }
        config.load().migrate();
    }

    /** The version a pre-Flyway broker recorded in {@code schema_version}, or 0 when there is none. */
    private static int legacyVersion(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (table(c, "flyway_schema_history") || !table(c, "schema_version")) {
                return 0;
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static boolean table(Connection c, String name) throws SQLException {
        for (String candidate : new String[]{name, name.toUpperCase(java.util.Locale.ROOT)}) {
            try (ResultSet rs = c.getMetaData().getTables(null, null, candidate, null)) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }
}
