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

    /** Shows {@code stage} as the connect window leaves it for the main view: a 1280×720 scene with the console's stylesheet. FX thread. */
    static void showEmpty(javafx.stage.Stage stage) {
        javafx.scene.Scene scene = new javafx.scene.Scene(new javafx.scene.layout.Pane(), 1280, 720);
        scene.getStylesheets().add(dev.mandate.console.ui.ConsoleApp.CSS);
        stage.setScene(scene);
        stage.setTitle("Mandate console");
        stage.show();
    }

    /**
     * Opens the main view on {@code tab} in {@code stage} as the application does (built off the FX thread, then
     * shown and started), with {@code atShow} run on the FX thread the moment it is shown; waits for it.
     */
    static <T> T open(javafx.stage.Stage stage, TestBroker broker, Path settings, int tab,
                      java.util.function.Function<dev.mandate.console.ui.MainView, T> atShow) throws Exception {
        return org.testfx.util.WaitForAsyncUtils.asyncFx(() -> dev.mandate.console.ui.MainView.open(stage, client(broker),
                        dev.mandate.console.fx.Tasks.javafx(), java.time.Clock.systemUTC(), new dev.mandate.console.ui.Appearance(settings), tab).thenApply(atShow))
                .get(10, java.util.concurrent.TimeUnit.SECONDS).get(30, java.util.concurrent.TimeUnit.SECONDS);
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
