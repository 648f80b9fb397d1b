package dev.mandate.console.audit;

import dev.mandate.console.client.BrokerApi;
import dev.mandate.console.client.BrokerException;
import dev.mandate.console.client.Model;
import dev.mandate.console.fx.Tasks;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;

import java.util.function.Function;

/** The audit tab: the latest 200 events of a type, and the hash chain check. */
public final class AuditView extends BorderPane {

    private final ObservableList<Model.AuditRow> rows = FXCollections.observableArrayList();
    private final BrokerApi client;
    private final Tasks tasks;
    private final TextField type = new TextField();
    private final Label verdict = new Label();

    public AuditView(BrokerApi client, Tasks tasks) {
        this.client = client;
        this.tasks = tasks;
        type.setPromptText("event type, e.g. token_revoked");
        Button query = new Button("Query");
        query.setOnAction(e -> refresh());
        Button verify = new Button("Verify chain");
        verify.setId("verify-chain");
        verdict.setId("verify-result");
        verify.setOnAction(e -> tasks.background(() -> {
            try {
                Model.Verification v = client.verify();
                tasks.fx(() -> verdict.setText(v.valid() ? "Chain valid: " + v.events() + " events"
                        : "Chain BROKEN at event " + v.firstBrokenId() + " (" + v.events() + " intact before it)"));
            } catch (BrokerException ex) {
                tasks.fx(() -> verdict.setText(ex.getMessage()));
            }
        }));
        TableView<Model.AuditRow> table = new TableView<>(rows);
        table.getColumns().add(column("id", 60, r -> Long.toString(r.id())));
        table.getColumns().add(column("time", 190, Model.AuditRow::timestamp));
        table.getColumns().add(column("type", 170, Model.AuditRow::type));
        table.getColumns().add(column("outcome", 70, Model.AuditRow::outcome));
        table.getColumns().add(column("agent", 260, Model.AuditRow::agentId));
        table.getColumns().add(column("detail", 400, Model.AuditRow::detail));
        HBox bar = new HBox(8, type, query, verify, verdict);
        bar.setPadding(new Insets(6));
        setTop(bar);
        setCenter(table);
    }

    public void refresh() {
        String filter = type.getText();
        tasks.background(() -> {
            try {
                var list = client.audit(filter);
                tasks.fx(() -> rows.setAll(list));
            } catch (BrokerException e) {
                tasks.fx(() -> verdict.setText(e.getMessage()));
            }
        });
    }

    private static TableColumn<Model.AuditRow, String> column(String title, double width, Function<Model.AuditRow, String> value) {
        TableColumn<Model.AuditRow, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(value.apply(f.getValue())));
        return c;
    }
}
