package dev.mandate.console.agents;

import dev.mandate.console.fx.Columns;
import dev.mandate.console.client.Model;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;

/** The detail pane under the agents table: the selected agent's tokens, chain and audit trail. */
public final class AgentDetailView extends BorderPane {

    public AgentDetailView(AgentDetailViewModel vm) {
        Label title = new Label();
        title.setId("agent-detail-title");
        title.textProperty().bind(vm.title());
        title.setPadding(new Insets(4, 6, 4, 6));
        ListView<String> tokens = new ListView<>(vm.tokens());
        tokens.setId("agent-detail-tokens");
        ListView<String> chain = new ListView<>(vm.chain());
        chain.setId("agent-detail-chain");
        TableView<Model.AuditRow> audit = new TableView<>(vm.audit());
        audit.setId("agent-detail-audit");
        audit.getColumns().add(Columns.text("time", 170, Model.AuditRow::timestamp));
        audit.getColumns().add(Columns.text("type", 170, Model.AuditRow::type));
        audit.getColumns().add(Columns.text("outcome", 70, Model.AuditRow::outcome));
        audit.getColumns().add(Columns.text("detail", 520, Model.AuditRow::detail));
        TabPane parts = new TabPane(tab("Tokens", tokens), tab("Delegation chain", chain), tab("Audit trail", audit));
        setTop(title);
        setCenter(parts);
    }

    private static Tab tab(String title, javafx.scene.Node content) {
        Tab t = new Tab(title, content);
        t.setClosable(false);
        return t;
    }

}
