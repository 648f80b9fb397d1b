package dev.mandate.console.ui;

import dev.mandate.console.fx.Tasks;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;

import java.time.Clock;

/** The operator console: connect, then watch and revoke. */
public final class ConsoleApp extends Application {

    public static final String CSS = ConsoleApp.class.getResource("console.css").toExternalForm();
    private static final System.Logger LOG = System.getLogger(ConsoleApp.class.getName());
    /** How long the main view may take to build before the console gives up (normally well under 10 s). */
    private static final java.time.Duration BUILD_LIMIT = java.time.Duration.ofSeconds(60);
    /** The process's exit status: 1 once the console could not show the broker it connected to. */
    private static volatile int status;
    private MainView main;
    private boolean opening;

    @Override
    public void start(Stage stage) {
        Tasks tasks = Tasks.javafx();
        String url = System.getenv().getOrDefault("MANDATE_CONSOLE_URL", "http://127.0.0.1:8080");
        String secret = System.getenv().getOrDefault("MANDATE_ADMIN_SECRET", "");
        Appearance appearance = Appearance.userStore();
        ConnectView connect = new ConnectView(url, secret, tasks, dev.mandate.console.client.KnownBrokers.userStore(), client -> {
            if (opening) {
                return;       // connected once already (a second Connect or Trust while the view is built)
            }
            opening = true;
            MainView.open(stage, client, tasks, Clock.systemUTC(), appearance, MainView.OVERVIEW)
                    .orTimeout(BUILD_LIMIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)
                    .whenCompleteAsync((view, failed) -> {
                        if (failed != null) {
                            // A console that cannot show what it connected to has nothing to offer: say why and go.
                            LOG.log(System.Logger.Level.ERROR, "the console cannot show the broker " + client.base(), failed);
                            status = 1;
                            javafx.application.Platform.exit();
                            return;
                        }
                        main = view;
                        stage.setTitle("Mandate — " + client.base());
                    }, javafx.application.Platform::runLater);
        });
        appearance.follow(connect);
        Scene scene = new Scene(connect, 1280, 760);
        scene.getStylesheets().add(CSS);
        stage.setTitle("Mandate console");
        stage.setScene(scene);
        stage.show();
        MainView.rehearse(scene, appearance);     // while the operator types the secret
    }

    /** 0, or 1 when the console could not show the broker it connected to. */
    static int status() {
        return status;
    }

    @Override
    public void stop() {
        if (main != null) {
            main.close();
        }
    }
}
