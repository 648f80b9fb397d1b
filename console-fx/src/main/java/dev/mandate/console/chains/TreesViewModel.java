package dev.mandate.console.chains;

import dev.mandate.console.agents.AgentRow;
import dev.mandate.console.agents.AgentsViewModel;
import dev.mandate.console.client.BrokerApi;
import dev.mandate.console.client.Model;
import dev.mandate.console.fx.Tasks;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The Trees tab without a toolkit: the delegation tree of each agent on the agents tab's page, as the
 * broker tells it (one {@code POST /v1/admin/chains} for the page, however far each tree reaches beyond it);
 * each node's line (holder, scope, state, a countdown only while it is alive, the scope dropped at its
 * hop); and the two revocations a node offers, counted by the broker. The view turns {@link Branch}es
 * into tree items and asks for confirmation.
 */
public final class TreesViewModel {

    /**
     * A token of a tree with those delegated from it. {@code expiresAt} is its effective expiry (the earliest
     * along its chain); {@code dropped} the scope the token it was delegated from held and it does not.
     */
    public record Branch(String holder, String jti, List<String> scope, Instant issuedAt, Instant expiresAt, String state,
                         List<String> dropped, List<Branch> children) {
        public boolean alive() {
            return state.equals("active");
        }
    }

    private final AgentsViewModel agents;
    private final BrokerApi broker;
    private final Tasks tasks;
    private final ReadOnlyObjectWrapper<List<Branch>> trees = new ReadOnlyObjectWrapper<>(List.of());
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
    /** On the FX thread: a load is running, and another was asked for meanwhile. */
    private boolean loading;
    private boolean again;

    public TreesViewModel(AgentsViewModel agents, BrokerApi broker, Tasks tasks) {
        this.agents = agents;
        this.broker = broker;
        this.tasks = tasks;
    }

    /** The trees shown, one per agent of the agents tab's page, in its order. */
    public ReadOnlyObjectProperty<List<Branch>> treesProperty() {
        return trees.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    /** The page the trees follow: a new answer there means the trees may have changed. */
    public ReadOnlyObjectProperty<?> pageProperty() {
        return agents.forestProperty();
    }

    /** The clock the countdowns follow (the agents tab's). */
    public ObjectProperty<Instant> nowProperty() {
        return agents.nowProperty();
    }

    /** Asks the broker for the tree of each agent on the page (in the background; a request made meanwhile runs after). */
    public void refresh() {
        tasks.fx(() -> {
            if (loading) {
                again = true;
                return;
            }
            loading = true;
            List<String> roots = agents.rows().stream().map(AgentRow::agentId).toList();
            tasks.background(() -> {
                List<Branch> loaded = new ArrayList<>();
                String failure = null;
                try {
                    if (!roots.isEmpty()) {
                        for (Model.ChainNode tree : broker.chains(roots)) {   // one request for the page
                            if (tree != null) {                           // null: an agent without a tree
                                loaded.add(branch(tree, null, null));
                            }
                        }
                    }
                } catch (RuntimeException e) {   // unreachable, or an answer it cannot read: said, and the next load runs
                    failure = "Trees: " + e.getMessage();
                }
                String why = failure;
                tasks.fx(() -> {
                    if (why == null) {
                        trees.set(List.copyOf(loaded));   // a failed load leaves the trees shown as they were
                    }
                    message.set(why == null ? "" : why);
                    loading = false;
                    if (again) {
                        again = false;
                        refresh();
                    }
                });
            });
        });
    }

    /** {@code node} as a branch; {@code parent} the branch it hangs from (null for a root). */
    static Branch branch(Model.ChainNode node, List<String> parentScope, Instant parentExpiry) {
        Instant effective = parentExpiry == null || node.expiresAt().isBefore(parentExpiry) ? node.expiresAt() : parentExpiry;
        List<String> dropped = parentScope == null ? List.of()
                : parentScope.stream().filter(s -> !node.scope().contains(s)).toList();
        List<Branch> children = node.children().stream().map(c -> branch(c, node.scope(), effective)).toList();
        return new Branch(node.agentId(), node.jti(), node.scope(), node.issuedAt(), effective, node.state(), dropped, children);
    }

    /**
     * What a node's line says at {@code now}: a countdown only for a live token with time left, never for a dead
     * one; a token the broker called active is expired once its time is up.
     */
    public static String label(Branch node, Instant now) {
        boolean running = node.alive() && now.isBefore(node.expiresAt());
        String state = node.alive() && !running ? "expired" : node.state();
        return node.holder() + "  [" + String.join(" ", node.scope()) + "]  " + state
                + (running ? "  " + Duration.between(now, node.expiresAt()).toSeconds() + " s left" : "");
    }

    /** A node's whole line: {@link #label}, and for a delegated token the scope its delegator held that it does not. */
    public static String line(Branch node, Instant now) {
        return label(node, now) + (node.dropped().isEmpty() ? "" : "  · dropped " + String.join(" ", node.dropped()));
    }

    /** Share of the token's lifetime left at {@code now}, 0 to 1; 0 once it is revoked, released or expired. */
    public static double remaining(Branch node, Instant now) {
        return AgentRow.share(node.issuedAt(), node.expiresAt(), node.alive(), now);
    }

    /** The TTL bar's colour: {@code ok}, {@code amber} (under 30 % left), {@code red} (under 10 %), or {@code expired}. */
    public static String ttlLevel(Branch node, Instant now) {
        return AgentRow.level(remaining(node, now));
    }

    /** The confirmation for revoking {@code node}'s token and everything delegated from it, counted by the broker. */
    public void revokeNode(Branch node, Consumer<AgentsViewModel.Confirmation> ask) {
        agents.prepare("token", List.of(node.jti()), ask);
    }

    /** The confirmation for revoking every tree {@code node}'s token belongs to, whole, counted by the broker. */
    public void revokeChain(Branch node, Consumer<AgentsViewModel.Confirmation> ask) {
        agents.prepare("chain", List.of(node.jti()), ask);
    }

    public void confirm(AgentsViewModel.Confirmation confirmation) {
        agents.confirm(confirmation);
    }
}
