package dev.mandate.console.ui;

import dev.mandate.console.fx.Tasks;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;

import java.time.Clock;

/** The operator console: connect, then watch and revoke. */
public final class ConsoleApp extends Application {

    public static final String CSS = ConsoleApp.class.getResource("console.css").toExternalForm();
    private MainView main;

    @Override
    public void start(Stage stage) {
        Tasks tasks = Tasks.javafx();
        String url = System.getenv().getOrDefault("MANDATE_CONSOLE_URL", "http://127.0.0.1:8080");
        String secret = System.getenv().getOrDefault("MANDATE_ADMIN_SECRET", "");
        Appearance appearance = Appearance.userStore();
        ConnectView connect = new ConnectView(url, secret, tasks, dev.mandate.console.client.KnownBrokers.userStore(), client -> {
            main = new MainView(client, tasks, Clock.systemUTC(), appearance);
            stage.getScene().setRoot(main);
            stage.setTitle("Mandate — " + client.base());
        });
        appearance.follow(connect);
        Scene scene = new Scene(connect, 1280, 760);
        scene.getStylesheets().add(CSS);
        stage.setTitle("Mandate console");
        stage.setScene(scene);
        stage.show();
    }

    @Override
    public void stop() {
        if (main != null) {
            main.close();
        }
    }
}
