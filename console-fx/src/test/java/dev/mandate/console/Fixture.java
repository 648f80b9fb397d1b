package dev.mandate.console;

import dev.mandate.console.client.BrokerClient;
import dev.mandate.server.TestBroker;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** A real broker for console tests (SoftHSM, H2, random loopback port) and a console client of it. */
final class Fixture {

    private Fixture() {
    }

    static TestBroker broker(Path dir) {
        return TestBroker.start(dir, Map.of("MANDATE_PORT", Integer.toString(freePort())));
    }

    static BrokerClient client(TestBroker broker) {
        return new BrokerClient(URI.create(broker.url()), TestBroker.ADMIN_SECRET, Optional.empty());
    }

    /** A fixed port, so a restarted broker is found at the same address. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
