package dev.mandate.console.ui;

import javafx.application.Application;

/** Entry point: JavaFX refuses to start an Application subclass named as main class from the class path. */
public final class Launcher {

    private Launcher() {
    }

    public static void main(String[] args) {
        Application.launch(ConsoleApp.class, args);
        System.exit(ConsoleApp.status());      // 1 when it could not show the broker (it logged why)
    }
}
