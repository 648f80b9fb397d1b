package dev.mandate.console.keys;

import dev.mandate.console.fx.Icons;
import dev.mandate.console.fx.Columns;
import dev.mandate.console.client.Model;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import org.kordamp.ikonli.feather.Feather;


/** The keys tab: each key with its live tokens and timeline; rotate now, revoke behind a confirmation. */
public final class KeysView extends BorderPane {

    private final KeysViewModel vm;
    private final TableView<Model.KeyView> table;

    public KeysView(KeysViewModel vm) {
        this.vm = vm;
        TableView<Model.KeyView> table = new TableView<>(vm.keys());
        table.setId("keys-table");
        table.getColumns().add(Columns.text("kid", 330, Model.KeyView::kid));
        table.getColumns().add(Columns.text("state", 80, Model.KeyView::state));
        table.getColumns().add(Columns.text("label", 200, Model.KeyView::label));
        table.getColumns().add(Columns.text("live tokens", 90, k -> Long.toString(k.liveTokens())));
        table.getColumns().add(Columns.text("timeline (UTC)", 520, KeysViewModel::timeline));
        this.table = table;
        Button rotate = Icons.on(new Button("Rotate now"), Feather.REFRESH_CW);
        rotate.setId("rotate-now");
        rotate.setOnAction(e -> vm.rotateNow());
        Button revoke = Icons.on(new Button("Revoke…"), Feather.X_OCTAGON);
        revoke.setId("revoke-key");
        revoke.getStyleClass().add("danger");
        revoke.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());
        revoke.setOnAction(e -> revokeSelected());
        Button reload = Icons.on(new Button("Reload"), Feather.ROTATE_CW);
        reload.setOnAction(e -> vm.refresh());
        Label message = new Label();
        message.textProperty().bind(vm.message());
        HBox bar = new HBox(8, rotate, revoke, reload, message);
        bar.setPadding(new Insets(6));
        setTop(bar);
        setCenter(table);
    }

    public void refresh() {
        vm.refresh();
    }

    /** Asks to revoke the selected key, naming how many live tokens die; sends only what is confirmed. */
    public void revokeSelected() {
        Model.KeyView key = table.getSelectionModel().getSelectedItem();
        if (key == null) {
            return;
        }
        vm.prepareRevoke(key, this::ask);
    }

    private static final javafx.scene.control.ButtonType REVOKE_KEY = new javafx.scene.control.ButtonType("Revoke key",
            javafx.scene.control.ButtonBar.ButtonData.OK_DONE);

    private void ask(KeysViewModel.Confirmation c) {
        if (dev.mandate.console.agents.Confirm.ask(getScene().getWindow(), "confirm-revoke-key", "Revoke a signing key",
                "Revoke key " + c.kid() + "?", c.description(), REVOKE_KEY)) {
            vm.confirmRevoke(c);
        }
    }

    /** Rotates the signing key at once. */
    public void rotateNow() {
        vm.rotateNow();
    }

}
