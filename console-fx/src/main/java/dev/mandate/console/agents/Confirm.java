package dev.mandate.console.agents;

import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.stage.Window;

import java.util.Optional;

/** The confirmation every revocation goes through: it names what will die and how many live tokens. */
public final class Confirm {

    public static final ButtonType REVOKE = new ButtonType("Revoke", ButtonBar.ButtonData.OK_DONE);

    private Confirm() {
    }

    public static Optional<AgentsViewModel.Confirmation> ask(Window owner, AgentsViewModel.Confirmation c) {
        boolean yes = ask(owner, "confirm-revoke", "Revoke at " + c.level() + " level", "Revoke " + c.level() + "?",
                c.description(), REVOKE);
        return yes ? Optional.of(c) : Optional.empty();
    }

    /** Any destructive action's confirmation (its pane named {@code id}): true only when {@code act} was pressed. */
    public static boolean ask(Window owner, String id, String title, String header, String text, ButtonType act) {
        Dialog<ButtonType> dialog = new Dialog<>();
        dialog.initOwner(owner);
        dialog.setTitle(title);
        dialog.setHeaderText(header);
        dialog.setContentText(text);
        dialog.getDialogPane().setId(id);
        dialog.getDialogPane().getButtonTypes().addAll(act, ButtonType.CANCEL);
        cancelByDefault(dialog, act);
        return dialog.showAndWait().filter(act::equals).isPresent();
    }

    /** Enter cancels: a destructive button is pressed on purpose, never by the key that confirmed something else. */
    public static void cancelByDefault(Dialog<?> dialog, ButtonType destructive) {
        ((javafx.scene.control.Button) dialog.getDialogPane().lookupButton(destructive)).setDefaultButton(false);
        ((javafx.scene.control.Button) dialog.getDialogPane().lookupButton(ButtonType.CANCEL)).setDefaultButton(true);
    }
}
