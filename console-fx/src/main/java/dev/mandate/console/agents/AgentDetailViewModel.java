package dev.mandate.console.agents;

import dev.mandate.console.client.BrokerApi;
import dev.mandate.console.client.Model;
import dev.mandate.console.fx.Tasks;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The agent detail pane: the selected agent's tokens (from the page shown), the delegation tree it
 * takes part in and its audit trail (both asked of the broker, in the background). Never touches a Node.
 */
public final class AgentDetailViewModel {

    private final BrokerApi broker;
    private final Tasks tasks;
    private final Supplier<Forest> forest;
    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper("Select an agent to see its tokens, chain and audit trail");
    private final ObservableList<String> tokens = FXCollections.observableArrayList();
    private final ObservableList<String> chain = FXCollections.observableArrayList();
    private final ObservableList<Model.AuditRow> audit = FXCollections.observableArrayList();
    private String shown;

    public AgentDetailViewModel(BrokerApi broker, Tasks tasks, Supplier<Forest> forest) {
        this.broker = broker;
        this.tasks = tasks;
        this.forest = forest;
    }

    public ReadOnlyStringProperty title() {
        return title.getReadOnlyProperty();
    }

    /** The agent's tokens, newest first: jti, state, scope, expiry, and where each came from. */
    public ObservableList<String> tokens() {
        return tokens;
    }

    /** The trees the agent takes part in (its own first), one line per node, indented by depth; its nodes marked ▶. */
    public ObservableList<String> chain() {
        return chain;
    }

    public ObservableList<Model.AuditRow> audit() {
        return audit;
    }

    /** Shows {@code agentId}: its tokens at once, its chain and audit trail when the broker has answered. */
    public void show(String agentId) {
        shown = agentId;
        title.set(agentId);
        List<String> lines = new ArrayList<>();
        // The trees it takes part in: its own (named by its id), and each it received a delegation in (named by
        // that token: the broker finds the tree's root, wherever it is).
        List<Forest.Node> held = forest.get().heldBy(agentId);
        java.util.Set<String> roots = new java.util.LinkedHashSet<>();
        roots.add(agentId);
        for (Forest.Node n : held) {
            if (n.token().parentJti() != null) {
                roots.add(n.jti());
            }
        }
        for (Forest.Node n : held.reversed()) {
            var t = n.token();
            lines.add(t.jti() + "  " + t.state() + "  [" + String.join(" ", t.scope()) + "]  expires " + t.effectiveExpiresAt()
                    + (t.parentJti() == null ? "  (registration or renewal)" : "  (delegated from " + t.parentJti() + ")"));
        }
        tokens.setAll(lines);
        chain.clear();
        audit.clear();
        tasks.background(() -> {
            List<String> tree = new ArrayList<>();
            List<String> asked = List.copyOf(roots).subList(0, Math.min(roots.size(), 200));   // the broker's limit
            try {
                List<Model.ChainNode> trees = broker.chains(asked);                          // one request for all
                java.util.Set<String> shownTrees = new java.util.HashSet<>();
                for (int i = 0; i < asked.size(); i++) {
                    Model.ChainNode node = trees.get(i);
                    if (node == null) {
                        tree.add("no delegation tree rooted at " + asked.get(i));
                    } else if (shownTrees.add(node.jti())) {      // two tokens in one tree: that tree once
                        lines(node, agentId, 0, tree);
                    }
                }
            } catch (RuntimeException e) {   // unreachable, or an answer the console cannot read
                tree.add("delegation trees: " + e.getMessage());
            }
            List<Model.AuditRow> trail;
            String why = null;
            try {
                trail = broker.auditOf(agentId);
            } catch (RuntimeException e) {
                trail = List.of();
                why = e.getMessage();
            }
            List<String> treeLines = tree;
            List<Model.AuditRow> rows = trail;
            String failed = why;
            tasks.fx(() -> {
                if (agentId.equals(shown)) {   // the operator may have moved on meanwhile
                    chain.setAll(treeLines);
                    audit.setAll(rows);
                    if (failed != null) {
                        title.set(agentId + " (audit trail: " + failed + ")");
                    }
                }
            });
        });
    }

    static void lines(Model.ChainNode node, String agentId, int depth, List<String> out) {
        out.add("  ".repeat(depth) + (node.agentId().equals(agentId) ? "▶ " : "• ") + node.agentId() + "  ["
                + String.join(" ", node.scope()) + "]  " + node.state() + (node.state().equals("active")
                ? "  until " + node.expiresAt() : ""));
        node.children().forEach(c -> lines(c, agentId, depth + 1, out));
    }
}
