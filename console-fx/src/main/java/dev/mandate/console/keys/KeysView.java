package dev.mandate.console.keys;

import dev.mandate.console.client.Model;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;

import java.util.function.Function;

/** The keys tab: a table and two buttons bound to {@link KeysViewModel}. */
public final class KeysView extends BorderPane {

    private final KeysViewModel vm;

    public KeysView(KeysViewModel vm) {
        this.vm = vm;
        TableView<Model.KeyView> table = new TableView<>(vm.keys());
        table.setId("keys-table");
        table.getColumns().add(column("kid", 330, Model.KeyView::kid));
        table.getColumns().add(column("state", 80, Model.KeyView::state));
        table.getColumns().add(column("label", 200, Model.KeyView::label));
        table.getColumns().add(column("created", 170, k -> String.valueOf(k.createdAt())));
        table.getColumns().add(column("activated", 170, k -> k.activatedAt() == null ? "" : k.activatedAt().toString()));
        table.getColumns().add(column("retired", 170, k -> k.retiredAt() == null ? "" : k.retiredAt().toString()));
        Button rotate = new Button("Rotate now");
        rotate.setId("rotate-now");
        rotate.setOnAction(e -> vm.rotateNow());
        Button reload = new Button("Reload");
        reload.setOnAction(e -> vm.refresh());
        Label message = new Label();
        message.textProperty().bind(vm.message());
        HBox bar = new HBox(8, rotate, reload, message);
        bar.setPadding(new Insets(6));
        setTop(bar);
        setCenter(table);
    }

    public void refresh() {
        vm.refresh();
    }

    /** Rotates the signing key at once. */
    public void rotateNow() {
        vm.rotateNow();
    }

    private static TableColumn<Model.KeyView, String> column(String title, double width, Function<Model.KeyView, String> value) {
        TableColumn<Model.KeyView, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(value.apply(f.getValue())));
        return c;
    }
}
