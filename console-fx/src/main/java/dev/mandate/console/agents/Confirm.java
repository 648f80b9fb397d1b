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
        Dialog<ButtonType> dialog = new Dialog<>();
        dialog.initOwner(owner);
        dialog.setTitle("Revoke at " + c.level() + " level");
        dialog.setHeaderText("Revoke " + c.level() + "?");
        dialog.setContentText(c.description());
        dialog.getDialogPane().setId("confirm-revoke");
        dialog.getDialogPane().getButtonTypes().addAll(REVOKE, ButtonType.CANCEL);
        cancelByDefault(dialog, REVOKE);
        return dialog.showAndWait().filter(REVOKE::equals).map(b -> c);
    }

    /** Enter cancels: a destructive button is pressed on purpose, never by the key that confirmed something else. */
    public static void cancelByDefault(Dialog<?> dialog, ButtonType destructive) {
        ((javafx.scene.control.Button) dialog.getDialogPane().lookupButton(destructive)).setDefaultButton(false);
        ((javafx.scene.control.Button) dialog.getDialogPane().lookupButton(ButtonType.CANCEL)).setDefaultButton(true);
    }
}
