package dev.mandate.console.agents;

import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.value.ChangeListener;
import javafx.beans.value.WeakChangeListener;
import javafx.css.PseudoClass;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The agents table. Builds and binds controls; all logic is in {@link AgentsViewModel}. */
public final class AgentsView extends BorderPane {

    /** Style class of every TTL bar; its colour is one of the pseudo-classes {@code :ok :amber :red :expired}. */
    public static final String TTL = "ttl";
    private static final List<String> TTL_LEVELS = List.of("ok", "amber", "red", "expired");

    public AgentsView(AgentsViewModel vm) {
        TextField filter = new TextField();
        filter.setId("agents-filter");
        filter.setPromptText("Filter: agent, orch, task, scope or state");
        vm.filterProperty().bind(filter.textProperty());
        Label message = new Label();
        message.setId("agents-message");
        message.textProperty().bind(vm.messageProperty());
        HBox top = new HBox(8, filter, message);
        HBox.setHgrow(filter, Priority.ALWAYS);
        top.setPadding(new Insets(6));

        TableView<AgentRow> table = new TableView<>(vm.visibleRows());
        table.setId("agents-table");
        table.getColumns().add(text("Agent", 300, r -> new ReadOnlyObjectWrapper<>(r.agentId())));
        table.getColumns().add(text("Orch", 110, AgentRow::orchIdProperty));
        table.getColumns().add(text("Task", 110, AgentRow::taskIdProperty));
        table.getColumns().add(text("Scope", 170, AgentRow::scopeProperty));
        table.getColumns().add(text("State", 80, AgentRow::stateProperty));
        table.getColumns().add(ttlColumn(vm));
        table.getColumns().add(expiryColumn(vm));
        table.getColumns().add(actions(vm));
        table.setPlaceholder(new Label("No agents yet"));
        // A fixed row height spares the virtual flow from measuring rows when thousands arrive at once.
        table.setFixedCellSize(26);
        setTop(top);
        setCenter(table);
    }

    private static TableColumn<AgentRow, Object> text(String title, double width,
            java.util.function.Function<AgentRow, javafx.beans.value.ObservableValue<?>> value) {
        TableColumn<AgentRow, Object> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(f -> {
            @SuppressWarnings("unchecked")
            var v = (javafx.beans.value.ObservableValue<Object>) value.apply(f.getValue());
            return v;
        });
        return c;
    }

    /** TTL bars: each visible cell follows the shared clock (the table only keeps visible cells). */
    private static TableColumn<AgentRow, AgentRow> ttlColumn(AgentsViewModel vm) {
        TableColumn<AgentRow, AgentRow> c = new TableColumn<>("TTL");
        c.setPrefWidth(120);
        c.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(f.getValue()));
        c.setCellFactory(col -> new TableCell<>() {
            private final ProgressBar bar = new ProgressBar();
            // Held by the cell, weakly by the shared clock: the listener goes when the cell does.
            private final ChangeListener<Instant> tick = (o, was, now) -> show(getItem(), now);
            {
                bar.setMaxWidth(Double.MAX_VALUE);
                bar.getStyleClass().add(TTL);
                vm.nowProperty().addListener(new WeakChangeListener<>(tick));
            }

            @Override
            protected void updateItem(AgentRow row, boolean empty) {
                super.updateItem(row, empty);
                setGraphic(empty || row == null ? null : bar);
                show(empty ? null : row, vm.nowProperty().get());
            }

            private void show(AgentRow row, Instant now) {
                if (row == null) {
                    return;
                }
                bar.setProgress(row.remaining(now));
                String level = row.ttlLevel(now);
                for (String l : TTL_LEVELS) {
                    bar.pseudoClassStateChanged(PseudoClass.getPseudoClass(l), l.equals(level));
                }
            }
        });
        return c;
    }

    private static TableColumn<AgentRow, AgentRow> expiryColumn(AgentsViewModel vm) {
        TableColumn<AgentRow, AgentRow> c = new TableColumn<>("Effective expiry");
        c.setPrefWidth(110);
        c.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(f.getValue()));
        c.setCellFactory(col -> new TableCell<>() {
            private final ChangeListener<Instant> tick = (o, was, now) -> show(getItem(), now);
            {
                vm.nowProperty().addListener(new WeakChangeListener<>(tick));
            }

            @Override
            protected void updateItem(AgentRow row, boolean empty) {
                super.updateItem(row, empty);
                show(empty ? null : row, vm.nowProperty().get());
            }

            private void show(AgentRow row, Instant now) {
                if (row == null || row.expiresAt() == null) {
                    setText(null);
                    return;
                }
                long left = Duration.between(now, row.expiresAt()).toSeconds();
                setText(left <= 0 ? "expired" : "in " + left / 60 + "m " + left % 60 + "s");
            }
        });
        return c;
    }

    private static TableColumn<AgentRow, AgentRow> actions(AgentsViewModel vm) {
        TableColumn<AgentRow, AgentRow> c = new TableColumn<>("Revoke");
        c.setPrefWidth(250);
        c.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(f.getValue()));
        c.setCellFactory(col -> new TableCell<>() {
            private final HBox buttons = new HBox(4);
            {
                for (String level : List.of("token", "agent", "task", "chain")) {
                    Button b = new Button(level);
                    b.getStyleClass().addAll("revoke", "revoke-" + level);
                    b.setOnAction(e -> {
                        AgentRow row = getItem();
                        if (row != null) {
                            Confirm.ask(getScene().getWindow(), vm.prepare(row, level)).ifPresent(vm::confirm);
                        }
                    });
                    buttons.getChildren().add(b);
                }
            }

            @Override
            protected void updateItem(AgentRow row, boolean empty) {
                super.updateItem(row, empty);
                setGraphic(empty || row == null ? null : buttons);
            }
        });
        return c;
    }
}
