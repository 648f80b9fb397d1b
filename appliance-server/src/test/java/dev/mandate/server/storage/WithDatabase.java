package dev.mandate.server.storage;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** A test against the real database: H2 on disk in a fresh directory, opened before each test and closed after. */
public abstract class WithDatabase {

    @TempDir
    protected Path dir;

    protected Database db;

    @BeforeEach
    void openDatabase() {
        db = Database.open(dir, new SimpleMeterRegistry());
    }

    @AfterEach
    void closeDatabase() {
        db.close();
    }
}
