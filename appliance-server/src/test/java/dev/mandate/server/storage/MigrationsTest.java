package dev.mandate.server.storage;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Flyway brings a fresh database, and one made before Flyway, to the current schema; data survives. */
class MigrationsTest {

    @TempDir
    Path dir;

    @Test
    void aFreshDatabaseGetsEveryMigration() throws Exception {
        Database.open(dir, new SimpleMeterRegistry()).close();
        assertEquals(List.of("1:Success", "2:Success", "3:Success", "4:Success", "5:Success", "6:Success", "7:Success", "8:Success"), history());
        assertTrue(hasColumn("TOKENS", "SUPERSEDES"));
    }

    @Test
    void aDatabaseFromBeforeFlywayIsBaselinedAtItsVersionAndMigratedOn() throws Exception {
        try (Connection c = DriverManager.getConnection(url(), "mandate", ""); var s = c.createStatement()) {
            s.execute("RUNSCRIPT FROM 'classpath:/db/migration/h2/V1__initial.sql'");
            s.execute("CREATE TABLE schema_version (version INT PRIMARY KEY, name VARCHAR(200) NOT NULL, "
                    + "applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL)");
            s.execute("INSERT INTO schema_version (version, name) VALUES (1, 'V1__initial.sql')");
            s.execute("INSERT INTO settings (setting_name, setting_value) VALUES ('kept', 'from before')");
        }
        Database.open(dir, new SimpleMeterRegistry()).close();
        assertEquals(List.of("1:Baseline", "2:Success", "3:Success", "4:Success", "5:Success", "6:Success", "7:Success", "8:Success"), history(), "V1 is not run again; the later ones are");
        assertTrue(hasColumn("TOKENS", "SUPERSEDES"));
        try (Connection c = DriverManager.getConnection(url(), "mandate", ""); var s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT setting_value FROM settings WHERE setting_name = 'kept'")) {
            assertTrue(rs.next());
            assertEquals("from before", rs.getString(1));
        }
        Database.open(dir, new SimpleMeterRegistry()).close();
        assertEquals(List.of("1:Baseline", "2:Success", "3:Success", "4:Success", "5:Success", "6:Success", "7:Success", "8:Success"), history(), "a second start changes nothing");
    }

    private String url() {
        return "jdbc:h2:file:" + dir.resolve("mandate");
    }

    private List<String> history() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url(), "mandate", ""); var s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT \"version\", \"type\", \"success\" FROM \"flyway_schema_history\" "
                     + "WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + ":" + (rs.getString(2).equals("BASELINE") ? "Baseline" : rs.getBoolean(3) ? "Success" : "Failed"));
            }
        }
        return rows;
    }

    private boolean hasColumn(String table, String column) throws Exception {
        try (Connection c = DriverManager.getConnection(url(), "mandate", "");
             ResultSet rs = c.getMetaData().getColumns(null, null, table, column)) {
            return rs.next();
        }
    }
}
