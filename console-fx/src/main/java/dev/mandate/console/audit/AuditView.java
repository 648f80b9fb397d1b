package dev.mandate.console.audit;

import dev.mandate.console.fx.Icons;
import dev.mandate.console.fx.Columns;
import dev.mandate.console.client.Model;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.stage.FileChooser;
import org.kordamp.ikonli.feather.Feather;


/**
 * The audit tab: events filtered by type, agent, task and outcome, 200 a page newest first; the hash chain
 * check (naming the first broken event); export of every event the filters match. Bound to {@link AuditViewModel}.
 */
public final class AuditView extends BorderPane {

    private final AuditViewModel vm;

    public AuditView(AuditViewModel vm) {
        this.vm = vm;
        TextField type = field("audit-type", "event type, e.g. token_revoked", vm.eventType());
        TextField agent = field("audit-agent", "agent id", vm.agentId());
        TextField task = field("audit-task", "task id", vm.taskId());
        javafx.scene.control.ComboBox<String> outcome = new javafx.scene.control.ComboBox<>(
                javafx.collections.FXCollections.observableArrayList("", "success", "denied"));
        outcome.setId("audit-outcome");
        outcome.setPromptText("outcome");
        outcome.valueProperty().bindBidirectional(vm.outcome());
        Button query = Icons.on(new Button("Query"), Feather.SEARCH);
        query.setId("audit-query");
        query.setDefaultButton(false);
        query.setOnAction(e -> vm.refresh());
        for (TextField f : java.util.List.of(type, agent, task)) {
            f.setOnAction(e -> vm.refresh());   // Enter in a filter queries
        }
        Button newer = Icons.on(new Button("Newer"), Feather.CHEVRON_LEFT);
        newer.setId("audit-newer");
        newer.setOnAction(e -> vm.newer());
        Button older = Icons.on(new Button("Older"), Feather.CHEVRON_RIGHT);
        older.setContentDisplay(javafx.scene.control.ContentDisplay.RIGHT);
        older.setId("audit-older");
        older.setOnAction(e -> vm.older());
        Label pageText = new Label();
        pageText.setId("audit-page");
        pageText.textProperty().bind(vm.pageText());
        Button verify = Icons.on(new Button("Verify chain"), Feather.SHIELD);
        verify.setId("verify-chain");
        Label verdict = new Label();
        verdict.setId("verify-result");
        verdict.textProperty().bind(vm.verdict());
        verify.setOnAction(e -> vm.verify());
        TableView<Model.AuditRow> table = new TableView<>(vm.rows());
        table.setId("audit-table");
        table.getColumns().add(Columns.text("id", 60, r -> Long.toString(r.id())));
        table.getColumns().add(Columns.text("time", 190, Model.AuditRow::timestamp));
        table.getColumns().add(Columns.text("type", 170, Model.AuditRow::type));
        table.getColumns().add(Columns.text("outcome", 70, Model.AuditRow::outcome));
        table.getColumns().add(Columns.text("agent", 260, Model.AuditRow::agentId));
        table.getColumns().add(Columns.text("task", 120, Model.AuditRow::taskId));
        table.getColumns().add(Columns.text("detail", 400, Model.AuditRow::detail));
        Button export = Icons.on(new Button("Export…"), Feather.DOWNLOAD);
        export.setId("audit-export");
        export.setOnAction(e -> export());
        HBox filters = new HBox(8, type, agent, task, outcome, query, newer, older, pageText);
        HBox actions = new HBox(8, verify, export, verdict);
        javafx.scene.layout.VBox bar = new javafx.scene.layout.VBox(6, filters, actions);
        bar.setPadding(new Insets(6));
        setTop(bar);
        setCenter(table);
    }

    public void refresh() {
        vm.refresh();
    }

    private static TextField field(String id, String prompt, javafx.beans.property.StringProperty value) {
        TextField f = new TextField();
        f.setId(id);
        f.setPromptText(prompt);
        f.textProperty().bindBidirectional(value);
        return f;
    }

    /** Asks where, then writes every event the filters match: CSV, or JSON for a .json name. */
    public void export() {
        if (!vm.canExport()) {
            return;   // no file asked for: the verdict line says the events are still loading
        }
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export every event the filters match");
        chooser.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("CSV", "*.csv"),
                new FileChooser.ExtensionFilter("JSON", "*.json"));
        chooser.setInitialFileName("mandate-audit.csv");
        java.io.File file = chooser.showSaveDialog(getScene().getWindow());
        if (file != null) {
            vm.export(file.toPath());
        }
    }

    /** Recomputes the hash chain on the broker. */
    public void verify() {
        vm.verify();
    }

}
