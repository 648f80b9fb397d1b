package dev.mandate.console.apps;

import dev.mandate.console.fx.Icons;
import dev.mandate.console.fx.Columns;
import dev.mandate.console.client.Model;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.feather.Feather;


/**
 * The apps tab: the registered apps; register one (its client secret shown once, with a copy button and a
 * warning), edit its ceiling and token lifetime, deactivate it behind a confirmation that offers revoking its agents.
 */
public final class AppsView extends BorderPane {

    public static final ButtonType DEACTIVATE = new ButtonType("Deactivate", ButtonBar.ButtonData.OK_DONE);

    public static final ButtonType REGISTER = new ButtonType("Register", ButtonBar.ButtonData.OK_DONE);
    public static final ButtonType SAVE = new ButtonType("Save", ButtonBar.ButtonData.OK_DONE);
    private final AppsViewModel vm;
    private final TableView<Model.AppView> table;

    public AppsView(AppsViewModel vm) {
        this.vm = vm;
        table = new TableView<>(vm.apps());
        table.setId("apps-table");
        table.getColumns().add(Columns.text("name", 150, Model.AppView::name));
        table.getColumns().add(Columns.text("client id", 200, Model.AppView::clientId));
        table.getColumns().add(Columns.text("scopes", 220, a -> String.join(" ", a.scopes())));
        table.getColumns().add(Columns.text("token TTL (s)", 90, a -> Integer.toString(a.tokenTtl())));
        table.getColumns().add(Columns.text("status", 70, Model.AppView::status));
        table.getColumns().add(Columns.text("created", 170, a -> String.valueOf(a.createdAt())));
        TableColumn<Model.AppView, Model.AppView> action = new TableColumn<>("");
        action.setPrefWidth(180);
        action.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(f.getValue()));
        action.setCellFactory(c -> new TableCell<>() {
            private final Button edit = Icons.on(new Button("Edit…"), Feather.EDIT_2);
            private final Button button = Icons.on(new Button("Deactivate…"), Feather.POWER);
            private final HBox buttons = new HBox(4, edit, button);

            @Override
            protected void updateItem(Model.AppView app, boolean empty) {
                super.updateItem(app, empty);
                if (empty || app == null || !app.active()) {
                    setGraphic(null);
                    return;
                }
                edit.setOnAction(e -> edit(app));
                button.setOnAction(e -> deactivate(app));
                setGraphic(buttons);
            }
        });
        table.getColumns().add(action);
        Button reload = Icons.on(new Button("Reload"), Feather.ROTATE_CW);
        reload.setOnAction(e -> vm.refresh());
        Label message = new Label();
        message.setId("apps-message");
        message.textProperty().bind(vm.message());
        Button create = Icons.on(new Button("New app…"), Feather.PLUS);
        create.setId("new-app");
        create.setOnAction(e -> create());
        HBox bar = new HBox(8, create, reload, message);
        bar.setPadding(new Insets(6));
        setTop(bar);
        setCenter(table);
    }

    /** Asks for a name, a scope ceiling and a token lifetime, then registers the app and shows its secret once. */
    public void create() {
        form("Register an app", "app-form", "", "", "", true, REGISTER)
                .ifPresent(f -> vm.create(f[0], f[1], f[2], this::showSecretOnce));
    }

    /** Edits the selected app, if it is active (the keyboard's way to a row's Edit… button). */
    public void editSelected() {
        selectedActive().ifPresent(this::edit);
    }

    /** Asks to deactivate the selected app, if it is active (the keyboard's way to a row's Deactivate… button). */
    public void deactivateSelected() {
        selectedActive().ifPresent(this::deactivate);
    }

    private java.util.Optional<Model.AppView> selectedActive() {
        return java.util.Optional.ofNullable(table.getSelectionModel().getSelectedItem()).filter(Model.AppView::active);
    }

    private void deactivate(Model.AppView app) {
        confirm(app).ifPresent(revokeAgents -> vm.deactivate(app, revokeAgents));
    }

    private void edit(Model.AppView app) {
        form("Edit " + app.name(), "app-edit", app.name(), String.join(" ", app.scopes()), Integer.toString(app.tokenTtl()),
                false, SAVE).ifPresent(f -> vm.update(app, f[1], f[2]));
    }

    /** The form's name, scopes and lifetime as typed; empty when cancelled. */
    private java.util.Optional<String[]> form(String title, String id, String name, String scopes, String ttl,
                                              boolean nameEditable, ButtonType ok) {
        javafx.scene.control.TextField nameField = new javafx.scene.control.TextField(name);
        nameField.setId("app-name");
        nameField.setDisable(!nameEditable);
        javafx.scene.control.TextField scopesField = new javafx.scene.control.TextField(scopes);
        scopesField.setId("app-scopes");
        scopesField.setPromptText("read:data:* write:reports:*");
        javafx.scene.control.TextField ttlField = new javafx.scene.control.TextField(ttl);
        ttlField.setId("app-ttl");
        ttlField.setPromptText("seconds (blank: the broker's default)");
        javafx.scene.layout.GridPane grid = new javafx.scene.layout.GridPane(8, 8);
        grid.addRow(0, new Label("Name"), nameField);
        grid.addRow(1, new Label("Scope ceiling"), scopesField);
        grid.addRow(2, new Label("Token lifetime"), ttlField);
        Dialog<ButtonType> dialog = new Dialog<>();
        dialog.initOwner(getScene() == null ? null : getScene().getWindow());
        dialog.setTitle(title);
        dialog.getDialogPane().setId(id);
        dialog.getDialogPane().setContent(grid);
        dialog.getDialogPane().getButtonTypes().addAll(ok, ButtonType.CANCEL);
        return dialog.showAndWait().filter(ok::equals)
                .map(b -> new String[]{nameField.getText(), scopesField.getText(), ttlField.getText()});
    }

    /** The client secret, once: a copy button and a warning; nothing keeps it after the dialog closes. */
    private void showSecretOnce(Model.CreatedApp created) {
        javafx.scene.control.TextField secret = new javafx.scene.control.TextField(created.clientSecret());
        secret.setId("client-secret");
        secret.setEditable(false);
        Button copy = Icons.on(new Button("Copy"), Feather.COPY);
        copy.setId("copy-secret");
        copy.setOnAction(e -> {
            javafx.scene.input.ClipboardContent content = new javafx.scene.input.ClipboardContent();
            content.putString(secret.getText());
            javafx.scene.input.Clipboard.getSystemClipboard().setContent(content);
            copy.setText("Copied");
        });
        Label warning = new Label("Copy the client secret now and store it where the app reads it: Mandate keeps only "
                + "a hash of it and will never show it again. Lost, it cannot be recovered; register a new app instead. "
                + "Closing this dialog takes it off the clipboard.");
        warning.setWrapText(true);
        warning.setId("client-secret-warning");
        warning.getStyleClass().add("warning");
        Dialog<ButtonType> dialog = new Dialog<>();
        dialog.initOwner(getScene() == null ? null : getScene().getWindow());
        dialog.setTitle(created.app().name() + ": client secret");
        dialog.setHeaderText("Client id " + created.app().clientId());
        dialog.getDialogPane().setId("client-secret-dialog");
        dialog.getDialogPane().setContent(new VBox(12, warning, new HBox(8, secret, copy)));
        dialog.getDialogPane().getButtonTypes().add(ButtonType.CLOSE);
        dialog.showAndWait();
        // Off the clipboard too, unless the operator copied something else since.
        javafx.scene.input.Clipboard clipboard = javafx.scene.input.Clipboard.getSystemClipboard();
        if (created.clientSecret().equals(clipboard.getString())) {
            clipboard.clear();
        }
        secret.clear();
    }

    /** Asks; empty when cancelled, else whether to revoke the app's agents too. */
    private java.util.Optional<Boolean> confirm(Model.AppView app) {
        CheckBox agents = new CheckBox("Also revoke every agent it launched (chain level)");
        agents.setId("deactivate-revoke-agents");
        Label text = new Label(AppsViewModel.confirmation(app, false));
        text.setWrapText(true);
        agents.selectedProperty().addListener((o, was, now) -> text.setText(AppsViewModel.confirmation(app, now)));
        Dialog<ButtonType> dialog = new Dialog<>();
        dialog.initOwner(getScene() == null ? null : getScene().getWindow());
        dialog.setTitle("Deactivate " + app.name());
        dialog.getDialogPane().setId("confirm-deactivate");
        dialog.getDialogPane().setContent(new VBox(12, text, agents));
        dialog.getDialogPane().getButtonTypes().addAll(DEACTIVATE, ButtonType.CANCEL);
        dev.mandate.console.agents.Confirm.cancelByDefault(dialog, DEACTIVATE);
        return dialog.showAndWait().filter(DEACTIVATE::equals).map(b -> agents.isSelected());
    }

}
