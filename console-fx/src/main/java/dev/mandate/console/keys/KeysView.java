package dev.mandate.console.keys;

import dev.mandate.console.client.BrokerClient;
import dev.mandate.console.client.BrokerException;
import dev.mandate.console.client.Model;
import dev.mandate.console.ui.Tasks;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;

import java.util.function.Function;

/** The keys tab. */
public final class KeysView extends BorderPane {

    private final ObservableList<Model.KeyView> keys = FXCollections.observableArrayList();
    private final BrokerClient client;
    private final Tasks tasks;
    private final Label message = new Label();

    public KeysView(BrokerClient client, Tasks tasks) {
        this.client = client;
        this.tasks = tasks;
        TableView<Model.KeyView> table = new TableView<>(keys);
        table.setId("keys-table");
        table.getColumns().add(column("kid", 330, Model.KeyView::kid));
        table.getColumns().add(column("state", 80, Model.KeyView::state));
        table.getColumns().add(column("label", 200, Model.KeyView::label));
        table.getColumns().add(column("created", 170, k -> String.valueOf(k.createdAt())));
        table.getColumns().add(column("activated", 170, k -> k.activatedAt() == null ? "" : k.activatedAt().toString()));
        table.getColumns().add(column("retired", 170, k -> k.retiredAt() == null ? "" : k.retiredAt().toString()));
        Button rotate = new Button("Rotate now");
        rotate.setId("rotate-now");
        rotate.setOnAction(e -> tasks.background(() -> {
            try {
                String kid = client.rotateNow();
                tasks.fx(() -> message.setText("Now signing with " + kid));
                refresh();
            } catch (BrokerException ex) {
                tasks.fx(() -> message.setText("Rotation failed: " + ex.getMessage()));
            }
        }));
        Button reload = new Button("Reload");
        reload.setOnAction(e -> refresh());
        HBox bar = new HBox(8, rotate, reload, message);
        bar.setPadding(new Insets(6));
        setTop(bar);
        setCenter(table);
    }

    public void refresh() {
        tasks.background(() -> {
            try {
                var list = client.keys();
                tasks.fx(() -> keys.setAll(list));
            } catch (BrokerException e) {
                tasks.fx(() -> message.setText(e.getMessage()));
            }
        });
    }

    private static TableColumn<Model.KeyView, String> column(String title, double width, Function<Model.KeyView, String> value) {
        TableColumn<Model.KeyView, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(value.apply(f.getValue())));
        return c;
    }
}
