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
    private MainView main;

    @Override
    public void start(Stage stage) {
        Tasks tasks = Tasks.javafx();
        String url = System.getenv().getOrDefault("MANDATE_CONSOLE_URL", "http://127.0.0.1:8080");
        String secret = System.getenv().getOrDefault("MANDATE_ADMIN_SECRET", "");
        Appearance appearance = Appearance.userStore();
        ConnectView connect = new ConnectView(url, secret, tasks, dev.mandate.console.client.KnownBrokers.userStore(),
                client -> MainView.open(stage, client, Clock.systemUTC(), appearance, MainView.OVERVIEW).whenComplete((view, failed) -> {
                    if (failed != null) {
                        // A console that cannot show what it connected to has nothing to offer: say why and go.
                        LOG.log(System.Logger.Level.ERROR, "the console cannot show the broker", failed);
                        javafx.application.Platform.exit();
                        return;
                    }
                    main = view;
                    stage.setTitle("Mandate — " + client.base());
                }));
        appearance.follow(connect);
        Scene scene = new Scene(connect, 1280, 760);
        scene.getStylesheets().add(CSS);
        stage.setTitle("Mandate console");
        stage.setScene(scene);
        stage.show();
        MainView.rehearse(scene, appearance);     // while the operator types the secret
    }

    @Override
    public void stop() {
        if (main != null) {
            main.close();
        }
    }
}
