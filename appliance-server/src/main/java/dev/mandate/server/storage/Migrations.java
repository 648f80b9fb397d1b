package dev.mandate.server.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** Versioned schema migrations, applied in order at start-up; each version runs once. */
final class Migrations {

    /** Every migration, oldest first. Never edit one that has shipped: add the next. */
    static final List<String> ALL = List.of("V1__initial.sql", "V2__token_succession.sql");

    private Migrations() {
    }

    static void apply(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT PRIMARY KEY, name VARCHAR(200) NOT NULL, "
                    + "applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL)");
            int current;
            try (ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
                rs.next();
                current = rs.getInt(1);
            }
            for (int v = current + 1; v <= ALL.size(); v++) {
                String name = ALL.get(v - 1);
                for (String sql : load(name).split(";\\s*\\n")) {
                    if (!sql.isBlank()) {
                        s.execute(sql);
                    }
                }
                try (var insert = c.prepareStatement("INSERT INTO schema_version (version, name) VALUES (?, ?)")) {
                    insert.setInt(1, v);
                    insert.setString(2, name);
                    insert.executeUpdate();
                }
            }
        }
    }

    private static String load(String name) {
        try (InputStream in = Migrations.class.getResourceAsStream("/db/migration/" + name)) {
            if (in == null) {
                throw new IllegalStateException("migration missing from the jar: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines().filter(l -> !l.strip().startsWith("--")).reduce("", (a, b) -> a + b + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
