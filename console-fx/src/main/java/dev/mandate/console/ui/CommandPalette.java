package dev.mandate.console.ui;

import javafx.application.Platform;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

import java.util.Optional;

/**
 * The command palette: type a few letters of an action, move with the arrow keys, run it with Enter; Esc
 * closes. Every action of the console is reachable here without a mouse.
 */
public final class CommandPalette {

    private CommandPalette() {
    }

    /** Shows the palette over {@code owner} and returns the command chosen, if any (the caller runs it). */
    public static Optional<Commands.Command> choose(Window owner, Commands commands) {
        Dialog<ButtonType> dialog = new Dialog<>();
        Commands.Command[] chosen = new Commands.Command[1];
        dialog.initOwner(owner);
        dialog.setTitle("Commands");
        dialog.getDialogPane().setId("command-palette");
        dialog.getDialogPane().getButtonTypes().add(ButtonType.CANCEL);
        TextField query = new TextField();
        query.setId("command-query");
        query.setPromptText("Type a command: revoke, theme, audit, keys…");
        ListView<Commands.Command> list = new ListView<>();
        list.setId("command-list");
        list.setPrefSize(480, 280);
        list.getItems().setAll(commands.all());
        list.getSelectionModel().selectFirst();
        query.textProperty().addListener((o, was, text) -> {
            list.getItems().setAll(commands.matching(text));
            list.getSelectionModel().selectFirst();
        });
        // Up and Down move in the list while the caret stays in the query; Enter chooses, wherever the focus is.
        dialog.getDialogPane().addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            var selection = list.getSelectionModel();
            if (e.getCode() == KeyCode.DOWN) {
                selection.selectNext();
                e.consume();
            } else if (e.getCode() == KeyCode.UP) {
                selection.selectPrevious();
                e.consume();
            } else if (e.getCode() == KeyCode.ENTER) {
                choose(dialog, chosen, selection.getSelectedItem());
                e.consume();
            }
        });
        list.setOnMouseClicked(e -> {
            if (e.getClickCount() == 2) {
                choose(dialog, chosen, list.getSelectionModel().getSelectedItem());
            }
        });
        dialog.getDialogPane().setContent(new VBox(8, query, list));
        Platform.runLater(query::requestFocus);
        dialog.showAndWait();
        return Optional.ofNullable(chosen[0]);
    }

    private static void choose(Dialog<ButtonType> dialog, Commands.Command[] chosen, Commands.Command command) {
        if (command != null) {
            chosen[0] = command;
            dialog.setResult(ButtonType.OK);
            dialog.close();
        }
    }
}
