package dev.mandate.console.chains;

import dev.mandate.console.fx.Icons;
import dev.mandate.console.agents.Countdown;
import dev.mandate.console.agents.Ticks;
import dev.mandate.console.agents.TtlBar;
import dev.mandate.console.agents.Confirm;
import javafx.beans.value.ChangeListener;
import javafx.beans.value.WeakChangeListener;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import org.kordamp.ikonli.feather.Feather;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The delegation trees of the agents on the agents tab's page, asked of the broker while they are on screen:
 * each node with its TTL bar, state, countdown and the scope dropped at its hop.
 */
public final class ChainsView extends BorderPane {

    private final TreeView<TreesViewModel.Branch> tree = new TreeView<>(new TreeItem<>());
    private final TreesViewModel vm;
    /** The page changed while the trees were not on screen: ask again when they are. */
    private boolean stale = true;

    public ChainsView(TreesViewModel vm) {
        this.vm = vm;
        tree.setId("chains-tree");
        tree.setShowRoot(false);
        tree.setFixedCellSize(24);
        tree.setCellFactory(t -> new BranchCell(vm));
        vm.treesProperty().addListener((o, was, trees) -> rebuild(trees));
        // The broker is asked only while the trees are on screen.
        vm.pageProperty().addListener((o, was, page) -> {
            if (showing()) {
                vm.refresh();
            } else {
                stale = true;
            }
        });
        sceneProperty().addListener((o, was, scene) -> shown());

        Button revokeNode = Icons.on(new Button("Revoke node"), Feather.X_CIRCLE);
        revokeNode.setId("revoke-node");
        revokeNode.setOnAction(e -> revokeSelectedNode());
        Button revokeChain = Icons.on(new Button("Revoke chain"), Feather.X_OCTAGON);
        revokeChain.setId("revoke-chain");
        revokeChain.setOnAction(e -> revokeSelectedChain());
        Label message = new Label();
        message.textProperty().bind(vm.messageProperty());
        HBox bar = new HBox(8, revokeNode, revokeChain, message);
        bar.setPadding(new Insets(6));
        setTop(bar);
        setCenter(tree);
    }

    /** Asks to revoke the selected node's token and all delegated from it; sends only what the operator confirms. */
    public void revokeSelectedNode() {
        selected().ifPresent(n -> vm.revokeNode(n, this::ask));
    }

    /** Asks to revoke the whole chain the selected node belongs to; sends only what the operator confirms. */
    public void revokeSelectedChain() {
        selected().ifPresent(n -> vm.revokeChain(n, this::ask));
    }

    private void ask(dev.mandate.console.agents.AgentsViewModel.Confirmation c) {
        Confirm.ask(getScene().getWindow(), c).ifPresent(vm::confirm);
    }

    private boolean showing() {
        return dev.mandate.console.fx.OnScreen.test(this);
    }

    /** Call when this view becomes visible (its tab selected): asks for the trees if the page changed meanwhile. */
    public void shown() {
        if (stale && showing()) {
            stale = false;
            vm.refresh();
        }
    }

    /** New tree items for new trees; the operator's selection stays on the same token. */
    private void rebuild(List<TreesViewModel.Branch> trees) {
        String selectedJti = selected().map(TreesViewModel.Branch::jti).orElse(null);
        TreeItem<TreesViewModel.Branch> root = new TreeItem<>();
        trees.forEach(t -> root.getChildren().add(item(t)));
        tree.setRoot(root);
        if (selectedJti != null) {
            find(root, selectedJti).ifPresent(item -> tree.getSelectionModel().select(item));
        }
    }

    private static Optional<TreeItem<TreesViewModel.Branch>> find(TreeItem<TreesViewModel.Branch> item, String jti) {
        if (item.getValue() != null && item.getValue().jti().equals(jti)) {
            return Optional.of(item);
        }
        for (TreeItem<TreesViewModel.Branch> child : item.getChildren()) {
            var found = find(child, jti);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private Optional<TreesViewModel.Branch> selected() {
        var item = tree.getSelectionModel().getSelectedItem();
        return item == null ? Optional.empty() : Optional.ofNullable(item.getValue());
    }

    private static TreeItem<TreesViewModel.Branch> item(TreesViewModel.Branch branch) {
        TreeItem<TreesViewModel.Branch> item = new TreeItem<>(branch);
        item.setExpanded(true);
        branch.children().forEach(c -> item.getChildren().add(item(c)));
        return item;
    }

    /**
     * A node's TTL bar and line, drawn again when its moment of a second passes on the shared clock
     * ({@link Ticks}); the line is a {@link Countdown}, so that a tick lays out nothing.
     */
    private static final class BranchCell extends TreeCell<TreesViewModel.Branch> {
        private final TreesViewModel vm;
        // Held by the cell, weakly by the shared clock: the listener goes when the cell does.
        private final ChangeListener<Instant> tick = (o, was, now) -> {
            if (!isEmpty() && getItem() != null && Ticks.due(getItem().jti(), was, now)) {
                show(getItem(), now);
            }
        };
        private final TtlBar bar = new TtlBar();
        private final Countdown line = new Countdown();

        BranchCell(TreesViewModel vm) {
            this.vm = vm;
            vm.nowProperty().addListener(new WeakChangeListener<>(tick));
            // For good, hidden while the cell is empty: a bar taken out of the scene and put back is styled again.
            HBox graphic = new HBox(4, bar, line);
            graphic.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
            HBox.setHgrow(line, javafx.scene.layout.Priority.ALWAYS);
            line.setMaxWidth(Double.MAX_VALUE);
            setContentDisplay(javafx.scene.control.ContentDisplay.GRAPHIC_ONLY);
            setGraphic(graphic);
        }

        @Override
        protected void updateItem(TreesViewModel.Branch node, boolean empty) {
            super.updateItem(node, empty);
            show(empty ? null : node, vm.nowProperty().get());
            line.requestLayout();      // another node's line: its width (the tree's scroll width) is measured again
        }

        /** Read as its line, which the graphic alone would not give. */
        @Override
        public Object queryAccessibleAttribute(javafx.scene.AccessibleAttribute attribute, Object... parameters) {
            return attribute == javafx.scene.AccessibleAttribute.TEXT ? line.shown() : super.queryAccessibleAttribute(attribute, parameters);
        }

        private void show(TreesViewModel.Branch node, Instant now) {
            bar.setVisible(node != null);
            if (node == null) {
                line.show(null);
                return;
            }
            line.show(TreesViewModel.line(node, now));
            bar.show(TreesViewModel.remaining(node, now), TreesViewModel.ttlLevel(node, now));
        }
    }
}
