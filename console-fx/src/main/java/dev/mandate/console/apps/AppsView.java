package dev.mandate.console.apps;

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

import java.util.function.Function;

/** The apps tab: the registered apps, each with "Deactivate…" behind a confirmation that offers revoking its agents. */
public final class AppsView extends BorderPane {

    public static final ButtonType DEACTIVATE = new ButtonType("Deactivate", ButtonBar.ButtonData.OK_DONE);

    public AppsView(AppsViewModel vm) {
        TableView<Model.AppView> table = new TableView<>(vm.apps());
        table.setId("apps-table");
        table.getColumns().add(column("name", 180, Model.AppView::name));
        table.getColumns().add(column("client id", 230, Model.AppView::clientId));
        table.getColumns().add(column("scopes", 300, a -> String.join(" ", a.scopes())));
        table.getColumns().add(column("status", 80, Model.AppView::status));
        table.getColumns().add(column("created", 180, a -> String.valueOf(a.createdAt())));
        TableColumn<Model.AppView, Model.AppView> action = new TableColumn<>("");
        action.setPrefWidth(120);
        action.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(f.getValue()));
        action.setCellFactory(c -> new TableCell<>() {
            private final Button button = new Button("Deactivate…");

            @Override
            protected void updateItem(Model.AppView app, boolean empty) {
                super.updateItem(app, empty);
                if (empty || app == null || !app.active()) {
                    setGraphic(null);
                    return;
                }
                button.setOnAction(e -> confirm(app).ifPresent(revokeAgents -> vm.deactivate(app, revokeAgents)));
                setGraphic(button);
            }
        });
        table.getColumns().add(action);
        Button reload = new Button("Reload");
        reload.setOnAction(e -> vm.refresh());
        Label message = new Label();
        message.setId("apps-message");
        message.textProperty().bind(vm.message());
        HBox bar = new HBox(8, reload, message);
        bar.setPadding(new Insets(6));
        setTop(bar);
        setCenter(table);
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
        return dialog.showAndWait().filter(DEACTIVATE::equals).map(b -> agents.isSelected());
    }

    private static TableColumn<Model.AppView, String> column(String title, double width, Function<Model.AppView, String> value) {
        TableColumn<Model.AppView, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(value.apply(f.getValue())));
        return c;
    }
}
