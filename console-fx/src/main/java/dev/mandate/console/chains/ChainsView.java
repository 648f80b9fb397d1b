package dev.mandate.console.chains;

import dev.mandate.console.agents.Confirm;
import dev.mandate.console.agents.AgentsView;
import dev.mandate.console.agents.Forest;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;

import java.time.Instant;

/**
 * The delegation trees, rebuilt from the view-model's forest whenever it changes (while they are on screen):
 * each node with its TTL bar, state, countdown and the scope dropped at its hop.
 */
public final class ChainsView extends BorderPane {

    public ChainsView(TreesViewModel vm) {
        TreeView<Forest.Node> tree = new TreeView<>(new TreeItem<>());
        tree.setId("chains-tree");
        tree.setShowRoot(false);
        tree.setFixedCellSize(24);
        tree.setCellFactory(t -> new TreeCell<>() {
            // Held by the cell, weakly by the shared clock: the listener goes when the cell does.
            private final javafx.beans.value.ChangeListener<Instant> tick = (o, was, now) -> show(getItem(), now);
            private final ProgressBar bar = new ProgressBar();
            {
                vm.nowProperty().addListener(new javafx.beans.value.WeakChangeListener<>(tick));
                bar.setPrefWidth(80);
                bar.getStyleClass().add(AgentsView.TTL);
            }

            @Override
            protected void updateItem(Forest.Node node, boolean empty) {
                super.updateItem(node, empty);
                show(empty ? null : node, vm.nowProperty().get());
            }

            private void show(Forest.Node node, Instant now) {
                if (node == null) {
                    setText(null);
                    setGraphic(null);
                    return;
                }
                setText(TreesViewModel.line(vm.forestProperty().get(), node, now));
                bar.setProgress(TreesViewModel.remaining(node, now));
                String level = TreesViewModel.ttlLevel(node, now);
                for (String l : dev.mandate.console.agents.AgentRow.TTL_LEVELS) {
                    bar.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass(l), l.equals(level));
                }
                setGraphic(bar);
            }
        });
        // Rebuilding thousands of tree items is the costly part: only while the trees are on screen.
        vm.forestProperty().addListener((o, was, forest) -> {
            if (showing()) {
                rebuild(forest);
            } else {
                stale = true;
            }
        });
        this.tree = tree;
        this.vm = vm;
        sceneProperty().addListener((o, was, scene) -> shown());
        tree.setRoot(build(vm.forestProperty().get()));

        Button revokeNode = new Button("Revoke node");
        revokeNode.setId("revoke-node");
        revokeNode.setOnAction(e -> selected(tree).ifPresent(n ->
                Confirm.ask(getScene().getWindow(), vm.revokeNode(n)).ifPresent(vm::confirm)));
        Button revokeChain = new Button("Revoke chain");
        revokeChain.setId("revoke-chain");
        revokeChain.setOnAction(e -> selected(tree).ifPresent(n ->
                Confirm.ask(getScene().getWindow(), vm.revokeChain(n)).ifPresent(vm::confirm)));
        HBox bar = new HBox(8, revokeNode, revokeChain);
        bar.setPadding(new Insets(6));
        setTop(bar);
        setCenter(tree);
    }

    private final TreeView<Forest.Node> tree;
    private final TreesViewModel vm;
    private boolean stale;

    /** On screen: in a scene, and neither this view nor any parent (a hidden tab's region) invisible. */
    private boolean showing() {
        for (javafx.scene.Node n = this; n != null; n = n.getParent()) {
            if (!n.isVisible()) {
                return false;
            }
        }
        return getScene() != null;
    }

    /** Call when this view becomes visible (its tab selected): brings the trees up to date. */
    public void shown() {
        if (stale && showing()) {
            stale = false;
            rebuild(vm.forestProperty().get());
        }
    }

    /** New tree items for a new forest; the operator's selection stays on the same token. */
    private void rebuild(Forest forest) {
        String selectedJti = selected(tree).map(Forest.Node::jti).orElse(null);
        tree.setRoot(build(forest));
        if (selectedJti != null) {
            find(tree.getRoot(), selectedJti).ifPresent(item -> tree.getSelectionModel().select(item));
        }
    }

    private static java.util.Optional<TreeItem<Forest.Node>> find(TreeItem<Forest.Node> item, String jti) {
        if (item.getValue() != null && item.getValue().jti().equals(jti)) {
            return java.util.Optional.of(item);
        }
        for (TreeItem<Forest.Node> child : item.getChildren()) {
            var found = find(child, jti);
            if (found.isPresent()) {
                return found;
            }
        }
        return java.util.Optional.empty();
    }

    private static java.util.Optional<Forest.Node> selected(TreeView<Forest.Node> tree) {
        var item = tree.getSelectionModel().getSelectedItem();
        return item == null ? java.util.Optional.empty() : java.util.Optional.ofNullable(item.getValue());
    }

    static TreeItem<Forest.Node> build(Forest forest) {
        TreeItem<Forest.Node> invisibleRoot = new TreeItem<>();
        TreesViewModel.trees(forest).forEach(t -> invisibleRoot.getChildren().add(item(t)));
        return invisibleRoot;
    }

    private static TreeItem<Forest.Node> item(TreesViewModel.Branch branch) {
        TreeItem<Forest.Node> item = new TreeItem<>(branch.node());
        item.setExpanded(true);
        branch.children().forEach(c -> item.getChildren().add(item(c)));
        return item;
    }
}
