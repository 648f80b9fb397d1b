package dev.mandate.console.chains;

import dev.mandate.console.agents.AgentRow;
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

    /** A node's whole line: {@link #label}, and for a delegated token the scope its delegator held that it does not. */
    public static String line(Forest forest, Forest.Node node, Instant now) {
        List<String> dropped = dropped(forest, node);
        return label(node, now) + (dropped.isEmpty() ? "" : "  · dropped " + String.join(" ", dropped));
    }

    /** The scopes of the token {@code node} was delegated from that {@code node} does not hold (none for a root). */
    public static List<String> dropped(Forest forest, Forest.Node node) {
        String parent = node.token().parentJti();
        if (parent == null) {
            return List.of();
        }
        return forest.token(parent).map(p -> p.token().scope().stream()
                .filter(s -> !node.token().scope().contains(s)).toList()).orElse(List.of());
    }

    /** Share of the token's lifetime left at {@code now}, 0 to 1; 0 once it is revoked, released or expired. */
    public static double remaining(Forest.Node node, Instant now) {
        return AgentRow.share(node.token().issuedAt(), node.token().effectiveExpiresAt(), node.alive(), now);
    }

    /** The TTL bar's colour: {@code ok}, {@code amber} (under 30 % left), {@code red} (under 10 %), or {@code expired}. */
    public static String ttlLevel(Forest.Node node, Instant now) {
        return AgentRow.level(remaining(node, now));
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
