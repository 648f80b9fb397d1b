package dev.mandate.console.chains;

import dev.mandate.console.agents.AgentsViewModel;
import dev.mandate.console.agents.Forest;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The Trees tab without a toolkit: the delegation trees of the agents view-model's forest, each node's
 * line (holder, scope, state, and a countdown only while it is alive), and the two revocations a node
 * offers. The view turns {@link Branch}es into tree items and asks for confirmation.
 */
public final class TreesViewModel {

    /** A node of a delegation tree with the tokens delegated from it. */
    public record Branch(Forest.Node node, List<Branch> children) {
    }

    private final AgentsViewModel agents;

    public TreesViewModel(AgentsViewModel agents) {
        this.agents = agents;
    }

    public ReadOnlyObjectProperty<Forest> forestProperty() {
        return agents.forestProperty();
    }

    /** The clock the countdowns follow (the agents tab's). */
    public ObjectProperty<Instant> nowProperty() {
        return agents.nowProperty();
    }

    /** The trees of {@code forest}: one per root agent, the tokens delegated from any of its tokens below it. */
    public static List<Branch> trees(Forest forest) {
        List<Branch> trees = new ArrayList<>();
        for (Forest.Node root : forest.roots()) {
            trees.add(new Branch(root, forest.rootChildren(root.holder()).stream().map(c -> branch(forest, c)).toList()));
        }
        return trees;
    }

    /** What a node's line says at {@code now}: a countdown only for a live token with time left, never for a dead one. */
    public static String label(Forest.Node node, Instant now) {
        long left = Duration.between(now, node.token().expiresAt()).toSeconds();
        return node.holder() + "  [" + String.join(" ", node.token().scope()) + "]  " + node.token().state()
                + (node.alive() && left > 0 ? "  " + left + " s left" : "");
    }

    /** The confirmation for revoking {@code node}'s token and everything delegated from it. */
    public AgentsViewModel.Confirmation revokeNode(Forest.Node node) {
        return agents.prepare("token", node.jti());
    }

    /** The confirmation for revoking every tree {@code node}'s token belongs to, whole. */
    public AgentsViewModel.Confirmation revokeChain(Forest.Node node) {
        return agents.prepare("chain", node.jti());
    }

    public void confirm(AgentsViewModel.Confirmation confirmation) {
        agents.confirm(confirmation);
    }

    private static Branch branch(Forest forest, Forest.Node node) {
        return new Branch(node, forest.childrenOf(node.jti()).stream().map(c -> branch(forest, c)).toList());
    }
}
