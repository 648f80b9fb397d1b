package dev.mandate.console.agents;

import dev.mandate.console.fx.Icons;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.value.ChangeListener;
import javafx.beans.value.WeakChangeListener;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import org.kordamp.ikonli.feather.Feather;

import java.time.Instant;
import java.util.List;

/**
 * The agents table. Builds and binds controls; all logic is in {@link AgentsViewModel}.
 *
 * <p>A cell's TTL bar is its graphic for good and hidden while the cell is empty: a new page empties and refills
 * cells, and a control taken out of the scene and put back has its styles built again, which cost the FX thread
 * tens of milliseconds for each page while registrations streamed in. The revoke buttons are on the row under
 * the mouse and on the selected rows only: four on every row were a third of the table's nodes, which JavaFX
 * styles, lays out and copies to its render thread at first show and again for each page.
 */
public final class AgentsView extends BorderPane {

    private final AgentsViewModel vm;
    private final TextField filter = new TextField();
    private final TableView<AgentRow> table;

    public AgentsView(AgentsViewModel vm) {
        this(vm, null);
    }

    /** With {@code detail}, a pane under the table shows the selected agent's tokens, chain and audit trail. */
    public AgentsView(AgentsViewModel vm, AgentDetailViewModel detail) {
        this.vm = vm;
        filter.setId("agents-filter");
        filter.setPromptText("Filter: agent, orch, task or scope");
        vm.filterProperty().bind(filter.textProperty());
        Label message = new Label();
        message.setId("agents-message");
        message.textProperty().bind(vm.messageProperty());
        Button revokeSelected = Icons.on(new Button("Revoke selected…"), Feather.X_OCTAGON);
        revokeSelected.setId("revoke-selected");
        revokeSelected.getStyleClass().add("danger");
        revokeSelected.setOnAction(e -> revokeSelected("agent"));
        // One page at a time: the broker filters, sorts and pages; the console never holds every agent.
        Button previous = Icons.on(new Button(), Feather.CHEVRON_LEFT);
        previous.setAccessibleText("Previous page");
        previous.setTooltip(new javafx.scene.control.Tooltip("Previous page (Alt+Left)"));
        previous.setId("agents-previous");
        previous.setOnAction(e -> vm.previousPage());
        Button next = Icons.on(new Button(), Feather.CHEVRON_RIGHT);
        next.setAccessibleText("Next page");
        next.setTooltip(new javafx.scene.control.Tooltip("Next page (Alt+Right)"));
        next.setId("agents-next");
        next.setOnAction(e -> vm.nextPage());
        Label page = new Label();
        page.setId("agents-page");
        page.textProperty().bind(vm.pageProperty());
        HBox top = new HBox(8, filter, previous, page, next, revokeSelected, message);
        top.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        HBox.setHgrow(filter, Priority.ALWAYS);
        top.setPadding(new Insets(6));

        // Added before the table's own listener, so it runs first: a new page's selection changes are the table's, not the operator's.
        vm.rows().addListener((javafx.collections.ListChangeListener<AgentRow>) c -> replacingRows = true);
        table = new TableView<>(vm.rows());
        table.setId("agents-table");
        table.getSelectionModel().setSelectionMode(javafx.scene.control.SelectionMode.MULTIPLE);
        // Delete revokes the selected agent, always behind the confirmation that names what dies.
        table.setOnKeyPressed(e -> {
            if (e.getCode() == javafx.scene.input.KeyCode.DELETE) {
                revokeSelected("agent");
                e.consume();
            }
        });
        table.getColumns().add(text("Agent", 300, r -> new ReadOnlyObjectWrapper<>(r.agentId())));
        table.getColumns().add(text("Orch", 110, AgentRow::orchIdProperty));
        table.getColumns().add(text("Task", 110, AgentRow::taskIdProperty));
        table.getColumns().add(text("Scope", 170, AgentRow::scopeProperty));
        table.getColumns().add(stateColumn(vm));
        table.getColumns().add(ttlColumn(vm));
        table.getColumns().add(expiryColumn(vm));
        table.getColumns().add(actions(vm));
        Label empty = new Label();
        // Until the broker's first answer: loading, or that it failed (the message says why); then "No agents" when none match.
        empty.textProperty().bind(javafx.beans.binding.Bindings.when(vm.pageProperty().isEmpty())
                .then(javafx.beans.binding.Bindings.when(vm.messageProperty().isEmpty())
                        .then("Loading agents…").otherwise("Agents could not be loaded"))
                .otherwise("No agents"));
        table.setPlaceholder(empty);
        // A click on a column header sorts at the broker (agent id, or time left); the others do not sort.
        table.getColumns().forEach(c -> c.setSortable(SORTS.containsKey(c.getText())));
        table.setSortPolicy(t -> {
            var order = t.getSortOrder();
            if (order.isEmpty()) {
                vm.sort(AgentsViewModel.Sort.REGISTERED, false);
            } else {
                vm.sort(SORTS.get(order.getFirst().getText()), order.getFirst().getSortType() == TableColumn.SortType.ASCENDING);
            }
            return true;
        });
        keepSelectionAcrossPages();
        // A fixed row height spares the virtual flow from measuring rows when thousands arrive at once.
        table.setFixedCellSize(26);
        setTop(top);
        if (detail == null) {
            setCenter(table);
        } else {
            // The pane's controls are built at the first selection: until then a line says what it will show.
            Label hint = new Label();
            hint.textProperty().bind(detail.title());
            hint.setPadding(new Insets(4, 6, 4, 6));
            BorderPane pane = new BorderPane(null, hint, null, null, null);
            table.getSelectionModel().selectedItemProperty().addListener((o, was, row) -> {
                if (row != null && table.getSelectionModel().getSelectedItems().size() == 1) {
                    if (!(pane.getCenter() instanceof AgentDetailView)) {
                        pane.setTop(null);
                        pane.setCenter(new AgentDetailView(detail));
                    }
                    detail.show(row.agentId());
                }
            });
            javafx.scene.control.SplitPane split = new javafx.scene.control.SplitPane(table, pane);
            split.setOrientation(javafx.geometry.Orientation.VERTICAL);
            split.setDividerPositions(0.65);
            setCenter(split);
        }
    }

    /** The columns the broker sorts by, by title. */
    private static final java.util.Map<String, AgentsViewModel.Sort> SORTS = java.util.Map.of(
            "Agent", AgentsViewModel.Sort.AGENT, "TTL", AgentsViewModel.Sort.TIME_LEFT,
            "Effective expiry", AgentsViewModel.Sort.TIME_LEFT);

    /**
     * A new answer from the broker may reorder the page: the agents selected before stay selected (and
     * selecting a row that left the page does nothing).
     */
    private void keepSelectionAcrossPages() {
        java.util.Set<String> selected = new java.util.LinkedHashSet<>();
        table.getSelectionModel().getSelectedItems().addListener((javafx.collections.ListChangeListener<AgentRow>) c -> {
            if (!replacingRows) {
                selected.clear();
                table.getSelectionModel().getSelectedItems().forEach(r -> selected.add(r.agentId()));
            }
        });
        // Added after the table's own listener, so it runs last: the agents the operator selected, selected again.
        vm.rows().addListener((javafx.collections.ListChangeListener<AgentRow>) c -> {
            try {
                table.getSelectionModel().clearSelection();
                for (int i = 0; i < vm.rows().size(); i++) {
                    if (selected.contains(vm.rows().get(i).agentId())) {
                        table.getSelectionModel().select(i);
                    }
                }
            } finally {
                replacingRows = false;
            }
        });
    }

    /** True while a new page replaces the rows (between the first and the last listener of that change). */
    private boolean replacingRows;

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

    /**
     * Sorts by time left, least first ({@code byTimeLeft}), as a click on the TTL header does; else newest first,
     * the order with no header chosen.
     */
    public void sortByTimeLeft(boolean byTimeLeft) {
        if (byTimeLeft) {
            TableColumn<AgentRow, ?> ttl = table.getColumns().stream().filter(c -> c.getText().equals("TTL")).findFirst().orElseThrow();
            ttl.setSortType(TableColumn.SortType.ASCENDING);
            table.getSortOrder().setAll(List.of(ttl));
        } else {
            table.getSortOrder().clear();
        }
    }

    /** Puts the caret in the filter (Ctrl+F). */
    public void focusFilter() {
        filter.requestFocus();
        filter.selectAll();
    }

    /**
     * Asks to revoke the selected rows at {@code level} (several at once: one confirmation, counted by the
     * broker); sends only what the operator confirms.
     */
    public void revokeSelected(String level) {
        List<AgentRow> rows = List.copyOf(table.getSelectionModel().getSelectedItems());
        vm.prepare(rows, level, c -> Confirm.ask(getScene().getWindow(), c).ifPresent(vm::confirm));
    }

    /** The row's state as of the shared clock: "expired" once its token's time is up, before the broker says so. */
    private static TableColumn<AgentRow, AgentRow> stateColumn(AgentsViewModel vm) {
        return clockColumn("State", 80, vm, () -> new ClockCell(vm) {
            @Override
            void show(AgentRow row, Instant now) {
                setText(row == null ? null : row.state(now));   // the same text again lays out nothing
            }
        });
    }

    /** TTL bars: each visible cell follows the shared clock and its row's state. */
    private static TableColumn<AgentRow, AgentRow> ttlColumn(AgentsViewModel vm) {
        return clockColumn("TTL", 120, vm, () -> new ClockCell(vm) {
            private final TtlBar bar = new TtlBar();
            {
                bar.setMaxWidth(Double.MAX_VALUE);
                bar.setPrefWidth(100);
                setGraphic(bar);   // for good, hidden while the cell is empty: see the class comment
            }

            @Override
            void show(AgentRow row, Instant now) {
                bar.setVisible(row != null);
                if (row != null) {
                    bar.show(row.remaining(now), row.ttlLevel(now));
                }
            }
        });
    }

    /** "in 4m 52s" while the token lives; its state ("revoked", "released", "expired") once it does not. */
    private static TableColumn<AgentRow, AgentRow> expiryColumn(AgentsViewModel vm) {
        return clockColumn("Effective expiry", 110, vm, () -> new ClockCell(vm) {
            private final Countdown countdown = new Countdown();   // not the cell's text: see Countdown
            {
                setContentDisplay(javafx.scene.control.ContentDisplay.GRAPHIC_ONLY);
                setGraphic(countdown);
            }

            @Override
            protected void updateItem(AgentRow row, boolean empty) {
                super.updateItem(row, empty);
                countdown.requestLayout();   // another row's text: its width (for fitting the column) is measured again
            }

            @Override
            void show(AgentRow row, Instant now) {
                countdown.show(row == null ? null : row.timeLeft(now));
            }
        });
    }

    private static TableColumn<AgentRow, AgentRow> clockColumn(String title, double width, AgentsViewModel vm,
                                                              java.util.function.Supplier<ClockCell> cells) {
        TableColumn<AgentRow, AgentRow> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(f.getValue()));
        c.setCellFactory(col -> cells.get());
        return c;
    }

    /**
     * A cell drawn from its row and the shared clock, again whenever its row's state changes or its row's moment
     * of a second passes ({@link Ticks}): the row's state changes in place (the table sees the same row), so the
     * cell follows it as well as the clock. Both listeners are held by the cell and weakly by what they observe,
     * so they go when the cell does.
     */
    private abstract static class ClockCell extends TableCell<AgentRow, AgentRow> {
        private final AgentsViewModel vm;
        private AgentRow watched;
        private final ChangeListener<Instant> tick = (o, was, now) -> {
            if (watched != null && Ticks.due(watched.agentId(), was, now)) {
                show(watched, now);
            }
        };
        private final ChangeListener<String> stateChanged;
        private final WeakChangeListener<String> weakState;

        ClockCell(AgentsViewModel vm) {
            this.vm = vm;
            this.stateChanged = (o, was, state) -> show(getItem(), vm.nowProperty().get());
            this.weakState = new WeakChangeListener<>(stateChanged);
            vm.nowProperty().addListener(new WeakChangeListener<>(tick));
        }

        @Override
        protected void updateItem(AgentRow row, boolean empty) {
            super.updateItem(row, empty);
            AgentRow shown = empty ? null : row;
            if (watched != shown) {
                if (watched != null) {
                    watched.stateProperty().removeListener(weakState);
                }
                if (shown != null) {
                    shown.stateProperty().addListener(weakState);
                }
                watched = shown;
            }
            show(shown, vm.nowProperty().get());
        }

        /** Draws {@code row} (null: an empty cell) as of {@code now}. */
        abstract void show(AgentRow row, Instant now);
    }

    private static TableColumn<AgentRow, AgentRow> actions(AgentsViewModel vm) {
        TableColumn<AgentRow, AgentRow> c = new TableColumn<>("Revoke");
        c.setPrefWidth(250);
        c.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(f.getValue()));
        c.setCellFactory(col -> new TableCell<>() {
            private HBox buttons;      // made when first shown
            private final javafx.beans.InvalidationListener rowChanged = o -> showButtons();
            // Held by the cell, weakly by its row: a cell dropped by its row's skin goes, as ClockCell's listeners do.
            private final javafx.beans.WeakInvalidationListener weakRowChanged = new javafx.beans.WeakInvalidationListener(rowChanged);

            {
                // A cell stays in one row for its life; the row is hovered or selected, or not.
                tableRowProperty().addListener((o, was, row) -> {
                    if (was != null) {
                        was.hoverProperty().removeListener(weakRowChanged);
                        was.selectedProperty().removeListener(weakRowChanged);
                    }
                    if (row != null) {
                        row.hoverProperty().addListener(weakRowChanged);
                        row.selectedProperty().addListener(weakRowChanged);
                    }
                    showButtons();
                });
            }

            @Override
            protected void updateItem(AgentRow row, boolean empty) {
                super.updateItem(row, empty);
                showButtons();
            }

            /** The buttons on a filled row under the mouse or selected, nothing elsewhere: see the class comment. */
            private void showButtons() {
                var row = getTableRow();
                boolean shown = !isEmpty() && getItem() != null && row != null && (row.isHover() || row.isSelected());
                if (shown && buttons == null) {
                    buttons = new HBox(4);
                    for (String level : List.of("token", "agent", "task", "chain")) {
                        Button b = new Button(level);
                        b.getStyleClass().addAll("revoke", "revoke-" + level);
                        b.setOnAction(e -> {
                            AgentRow agent = getItem();
                            if (agent != null) {
                                // The row acted on becomes the selected one: its buttons (and the focus on this one)
                                // stay while the confirmation is up, though the mouse leaves the row for it.
                                getTableView().getSelectionModel().clearAndSelect(getIndex());
                                vm.prepare(List.of(agent), level, c -> Confirm.ask(getScene().getWindow(), c).ifPresent(vm::confirm));
                            }
                        });
                        buttons.getChildren().add(b);
                    }
                }
                javafx.scene.Node wanted = shown ? buttons : null;
                if (getGraphic() != wanted) {
                    setGraphic(wanted);
                }
            }
        });
        return c;
    }
}
