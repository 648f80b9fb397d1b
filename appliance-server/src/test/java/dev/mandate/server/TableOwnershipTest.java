package dev.mandate.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One owner per table (issue 12), read off the sources: every table of the schema is written (INSERT,
 * UPDATE, DELETE, MERGE) by exactly one class, a {@code Jdbc*Store}. ArchUnit sees classes, not SQL, so
 * this rule reads the SQL itself. Reads may join another table; writes go through its owner.
 */
class TableOwnershipTest {

    private static final Pattern WRITE = Pattern.compile("\\b(?:INSERT INTO|UPDATE|DELETE FROM|MERGE INTO)\\s+([a-z_]+)");
    private static final Pattern TABLE = Pattern.compile("CREATE TABLE\\s+([a-z_]+)");

    @Test
    void everyTableIsWrittenByExactlyOneStore() throws IOException {
        Map<String, Set<String>> writers = new TreeMap<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                Matcher m = WRITE.matcher(read(f));
                while (m.find()) {
                    writers.computeIfAbsent(m.group(1), t -> new TreeSet<>()).add(f.getFileName().toString());
                }
            });
        }
        Set<String> tables = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            files.forEach(f -> {
                Matcher m = TABLE.matcher(read(f));
                while (m.find()) {
                    tables.add(m.group(1));
                }
            });
        }
        assertTrue(tables.size() >= 9, "the schema's tables were found: " + tables);
        assertEquals(tables, writers.keySet(), "every table has a writer, and nothing writes a table the schema lacks");
        writers.forEach((table, files) -> {
            assertEquals(1, files.size(), table + " is written by " + files);
            assertTrue(files.iterator().next().matches("Jdbc\\w+Store\\.java"), table + " is written by " + files);
        });
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
