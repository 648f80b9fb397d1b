package dev.mandate.server.storage;

import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The migrations make the same schema on PostgreSQL as on H2 (issue 14): the same tables, each column
 * with the same JDBC type, size, nullability and identity, the same indexes over the same columns. Run
 * against a real PostgreSQL server ({@link TestPostgres}) and H2 on disk. Also: migrating twice is a no-op.
 */
class PostgresSchemaTest {

    @TempDir
    Path h2Dir;

    @TempDir
    Path pgDir;

    @Test
    void theMigrationsMakeTheSameSchemaOnPostgresqlAsOnH2() throws Exception {
        JdbcConnectionPool h2 = JdbcConnectionPool.create("jdbc:h2:file:" + h2Dir.resolve("mandate"), "mandate", "");
        try (TestPostgres server = TestPostgres.start(pgDir)) {
            PGSimpleDataSource postgres = new PGSimpleDataSource();
            postgres.setURL(server.url());
            postgres.setUser(server.user());
            Migrations.apply(h2);
            Migrations.apply(postgres);
            Migrations.apply(postgres);

            Map<String, Set<String>> expected = schema(h2, "PUBLIC");
            assertTrue(expected.size() >= 9 && expected.containsKey("tokens") && expected.containsKey("events"),
                    "H2's schema was read: " + expected.keySet());
            assertTrue(expected.get("events").contains("column seq BIGINT not null identity"),
                    "identity columns are seen: " + expected.get("events"));
            assertEquals(expected, schema(postgres, "public"));
        } finally {
            h2.dispose();
        }
    }

    /** Table name → its columns and indexes, in words that do not depend on the database. */
    private static Map<String, Set<String>> schema(DataSource dataSource, String schema) throws SQLException {
        Map<String, Set<String>> tables = new TreeMap<>();
        try (Connection c = dataSource.getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            try (ResultSet t = meta.getTables(null, schema, "%", new String[]{"TABLE"})) {
                while (t.next()) {
                    String table = t.getString("TABLE_NAME");
                    if (!table.equalsIgnoreCase("flyway_schema_history")) {
                        tables.put(table.toLowerCase(Locale.ROOT), describe(meta, schema, table));
                    }
                }
            }
        }
        return tables;
    }

    private static Set<String> describe(DatabaseMetaData meta, String schema, String table) throws SQLException {
        Set<String> parts = new TreeSet<>();
        try (ResultSet col = meta.getColumns(null, schema, table, "%")) {
            while (col.next()) {
                int type = col.getInt("DATA_TYPE");
                String name = switch (type) {
                    case Types.VARCHAR -> "VARCHAR(" + col.getInt("COLUMN_SIZE") + ")";
                    case Types.CHAR -> "CHAR(" + col.getInt("COLUMN_SIZE") + ")";
                    case Types.BIGINT -> "BIGINT";
                    case Types.INTEGER -> "INTEGER";
                    case Types.BOOLEAN, Types.BIT -> "BOOLEAN";
                    default -> "type " + type + " " + col.getString("TYPE_NAME");
                };
                parts.add("column " + col.getString("COLUMN_NAME").toLowerCase(Locale.ROOT) + " " + name
                        + (col.getInt("NULLABLE") == DatabaseMetaData.columnNoNulls ? " not null" : "")
                        + ("YES".equals(col.getString("IS_AUTOINCREMENT")) ? " identity" : ""));
            }
        }
        Map<String, String> indexes = new TreeMap<>();
        try (ResultSet ix = meta.getIndexInfo(null, schema, table, false, false)) {
            while (ix.next()) {
                String index = ix.getString("INDEX_NAME");
                if (index == null) {
                    continue;
                }
                String kind = ix.getBoolean("NON_UNIQUE") ? "index" : "unique";
                indexes.merge(index, kind + " " + ix.getString("COLUMN_NAME").toLowerCase(Locale.ROOT),
                        (a, b) -> a + "," + b.substring(b.indexOf(' ') + 1));
            }
        }
        parts.addAll(indexes.values());
        return parts;
    }
}
