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
 * this rule reads the SQL itself. Reads too stay with the owner: one other class reads a table it does not
 * own, named below with its reason.
 */
class TableOwnershipTest {

    private static final Pattern WRITE = Pattern.compile("\\b(?:INSERT INTO|UPDATE|DELETE FROM|MERGE INTO)\\s+([a-z_]+)");
    private static final Pattern TABLE = Pattern.compile("CREATE TABLE\\s+([a-z_]+)");
    private static final Pattern READ = Pattern.compile("\\b(?:FROM|JOIN)\\s+([a-z_]+)");
    /**
     * The agent search of the operator's view also matches the scopes of an agent's tokens, in the one query
     * that pages and counts at the database; splitting it would mean loading every matching token first.
     */
    private static final Set<String> FOREIGN_READS = Set.of("tokens read by JdbcAgentStore.java");

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
        Set<String> tables = tables();
        assertTrue(tables.size() >= 9, "the schema's tables were found: " + tables);
        assertEquals(tables, writers.keySet(), "every table has a writer, and nothing writes a table the schema lacks");
        writers.forEach((table, files) -> {
            assertEquals(1, files.size(), table + " is written by " + files);
            assertTrue(files.iterator().next().matches("Jdbc\\w+Store\\.java"), table + " is written by " + files);
        });
    }

    @Test
    void everyTableIsReadOnlyByItsOwner() throws IOException {
        Map<String, Set<String>> writers = new TreeMap<>();
        Map<String, Set<String>> readers = new TreeMap<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                String source = read(f);
                collect(WRITE.matcher(source), writers, f);
                collect(READ.matcher(source), readers, f);
            });
        }
        assertTrue(readers.containsKey("tokens") && readers.containsKey("agents"), "reads were found: " + readers);
        Set<String> foreign = new TreeSet<>();
        readers.keySet().retainAll(tables());
        readers.forEach((table, files) -> files.stream()
                .filter(file -> !writers.getOrDefault(table, Set.of()).contains(file))
                .forEach(file -> foreign.add(table + " read by " + file)));
        assertEquals(FOREIGN_READS, foreign, "a table is read only by the store that writes it");
    }

    /** The tables the migrations create (Flyway's own history table is not among them). */
    private static Set<String> tables() throws IOException {
        Set<String> tables = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/resources/db/migration"))) {
            files.filter(Files::isRegularFile).forEach(f -> {
                Matcher m = TABLE.matcher(read(f));
                while (m.find()) {
                    tables.add(m.group(1));
                }
            });
        }
        return tables;
    }

    private static void collect(Matcher m, Map<String, Set<String>> into, Path file) {
        while (m.find()) {
            into.computeIfAbsent(m.group(1), t -> new TreeSet<>()).add(file.getFileName().toString());
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
