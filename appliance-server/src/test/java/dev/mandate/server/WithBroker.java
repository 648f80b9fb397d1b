package dev.mandate.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * A test class that shares one real broker among its tests: started on a fresh data directory before
 * them, closed after them, with an operator token at hand. Test classes run one after another, so the
 * shared fields belong to one class at a time.
 */
abstract class WithBroker {

    @TempDir
    static Path data;
    static TestBroker broker;
    static String admin;

    @BeforeAll
    static void startBroker() {
        broker = TestBroker.start(data);
        admin = broker.adminToken();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }
}
