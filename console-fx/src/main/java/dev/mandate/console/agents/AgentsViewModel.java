package dev.mandate.console.agents;

import dev.mandate.console.client.BrokerApi;
import dev.mandate.console.client.BrokerException;
import dev.mandate.console.client.Model;
import dev.mandate.console.fx.Tasks;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The live agents: rows kept in step with the event stream, one shared clock for every countdown,
 * and revocation at four levels behind a confirmation that names what dies. Never touches a Node.
 */
public final class AgentsViewModel {

    /** What a revocation will do, shown before it is sent: one target, or several at one level. */
    public record Confirmation(String level, String target, String description, int liveTokens, List<String> targets) {
        Confirmation(String level, String target, String description, int liveTokens) {
            this(level, target, description, liveTokens, List.of(target));
        }
    }

    private final BrokerApi client;
    private final Tasks tasks;
    private final Duration refreshDelay;
    private final ObservableList<AgentRow> rows = FXCollections.observableArrayList();
    private final Map<String, AgentRow> byAgent = new HashMap<>();
    private final FilteredList<AgentRow> visible = new FilteredList<>(rows);
    private final StringProperty filter = new SimpleStringProperty("");
    private final ObjectProperty<Instant> now = new SimpleObjectProperty<>(Instant.now());
    private final ReadOnlyObjectWrapper<Forest> forest = new ReadOnlyObjectWrapper<>(new Forest(List.of()));
    private final ReadOnlyLongWrapper liveAgents = new ReadOnlyLongWrapper();
    private final ReadOnlyLongWrapper liveTokens = new ReadOnlyLongWrapper();
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
    private final AtomicBoolean refreshPending = new AtomicBoolean();
    private static final int APPLY_SLICE = 500;

    public AgentsViewModel(BrokerApi client, Tasks tasks, Duration refreshDelay) {
        this.client = client;
        this.tasks = tasks;
        this.refreshDelay = refreshDelay;
        filter.addListener((o, was, text) -> visible.setPredicate(row -> matches(row, text)));
    }

    public ObservableList<AgentRow> visibleRows() {
        return visible;
    }

    public ObservableList<AgentRow> allRows() {
        return FXCollections.unmodifiableObservableList(rows);
    }

    public StringProperty filterProperty() {
        return filter;
    }

    /** The one clock every countdown binds to; the view's single timeline moves it. */
    public ObjectProperty<Instant> nowProperty() {
        return now;
    }

    public ReadOnlyObjectProperty<Forest> forestProperty() {
        return forest.getReadOnlyProperty();
    }

    public ReadOnlyLongProperty liveAgentsProperty() {
        return liveAgents.getReadOnlyProperty();
    }

    public ReadOnlyLongProperty liveTokensProperty() {
        return liveTokens.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    /** Loads every agent in the background and updates the rows on the FX thread. */
    public void refresh() {
        tasks.background(() -> {
            try {
                List<Model.AgentView> agents = client.agents();
                Snapshot snapshot = snapshot(agents);       // the heavy part, off the FX thread
                // Applied in slices, so one refresh of 10,000 rows never holds the FX thread for long.
                List<RowData> rowData = snapshot.rows();
                for (int from = 0; from < rowData.size(); from += APPLY_SLICE) {
                    List<RowData> slice = rowData.subList(from, Math.min(from + APPLY_SLICE, rowData.size()));
                    tasks.fx(() -> applyRows(slice));
                }
                tasks.fx(() -> finish(snapshot));
            } catch (BrokerException e) {
                tasks.fx(() -> message.set(e.getMessage()));
            }
        });
    }

    /** An event from the stream: what it says is shown at once, then the rows are reloaded (coalesced). */
    public void onEvent(Model.LiveEvent e) {
        tasks.fx(() -> {
            switch (e.type()) {
                case "token_revoked" -> mark(forest.get().dying(e.level(), e.target()), "revoked");
                case "token_released" -> mark(forest.get().dying("token", e.jti()), "released");
                case "token_expired" -> mark(Set.of(e.jti()), "expired");
                default -> { }
            }
        });
        if (refreshPending.compareAndSet(false, true)) {
            tasks.later(refreshDelay, () -> {
                refreshPending.set(false);
                refresh();
            });
        }
    }

    /** The confirmation for revoking {@code row} at {@code level}; nothing is sent yet. */
    public Confirmation prepare(AgentRow row, String level) {
        return prepare(level, target(row, level, forest.get()));
    }

    /** What revoking {@code row} at {@code level} names: its token, its agent, or its tree's root's task. */
    private static String target(AgentRow row, String level, Forest f) {
        return switch (level) {
            case "token" -> row.jti();
            case "agent", "chain" -> row.agentId();
            case "task" -> row.jti() == null ? row.taskIdProperty().get() : f.taskOf(row.jti());
            default -> throw new IllegalArgumentException(level);
        };
    }

    public Confirmation prepare(String level, String target) {
        int dying = forest.get().dying(level, target).size();
        String what = switch (level) {
            case "token" -> "token " + target + " and every token delegated from it";
            case "agent" -> "every token of agent " + target + " and everything delegated from them; the agent can never renew, delegate or receive a delegation";
            case "task" -> "every token of task " + target + "; new registrations for it are refused";
            case "chain" -> "every delegation tree " + target + " takes part in, whole";
            default -> throw new IllegalArgumentException(level);
        };
        return new Confirmation(level, target, "Revoke " + what + ": " + dying + " live token"
                + (dying == 1 ? "" : "s") + " will die.", dying);
    }

    /**
     * The confirmation for revoking several agents at once, counted by the broker (each live token once,
     * however many of the agents reach it); handed to {@code ask} on the FX thread. Nothing is sent yet.
     */
    public void prepareBulk(List<AgentRow> selected, String level, java.util.function.Consumer<Confirmation> ask) {
        Forest f = forest.get();
        List<String> targets = selected.stream().map(r -> target(r, level, f))
                .filter(java.util.Objects::nonNull).distinct().toList();
        if (targets.isEmpty()) {
            return;
        }
        tasks.background(() -> {
            try {
                int dying = client.previewRevocation(level, targets);
                String what = targets.size() + " " + level + (targets.size() == 1 ? "" : "s");
                Confirmation c = new Confirmation(level, what, "Revoke " + what + " (" + String.join(", ",
                        targets.stream().limit(3).toList()) + (targets.size() > 3 ? ", …" : "") + "): " + dying
                        + " live token" + (dying == 1 ? "" : "s") + " will die.", dying, targets);
                tasks.fx(() -> ask.accept(c));
            } catch (BrokerException e) {
                tasks.fx(() -> message.set("Cannot count what would die: " + e.getMessage()));
            }
        });
    }

    /** Sends the confirmed revocation; the affected rows turn revoked when the broker has answered. */
    public void confirm(Confirmation c) {
        Set<String> dying = new HashSet<>();
        c.targets().forEach(t -> dying.addAll(forest.get().dying(c.level(), t)));
        tasks.background(() -> {
            int count = 0;
            int done = 0;
            try {
                for (String target : c.targets()) {
                    count += client.revoke(c.level(), target);
                    done++;
                }
                int killed = count;
                tasks.fx(() -> {
                    mark(dying, "revoked");
                    message.set("Revoked " + (c.targets().size() == 1 ? c.level() + " " : "") + c.target() + ": "
                            + killed + " live token" + (killed == 1 ? "" : "s") + " killed.");
                });
                refresh();
            } catch (BrokerException e) {
                // Those sent before the failure are revoked: say how far it got, and show what is true now.
                String sofar = done == 0 ? "" : " after " + done + " of " + c.targets().size() + " (" + count
                        + " live token" + (count == 1 ? "" : "s") + " killed)";
                tasks.fx(() -> message.set("Revocation failed" + sofar + ": " + e.getMessage()));
                if (done > 0) {
                    refresh();
                }
            }
        });
    }

    /** What one refresh shows, computed in the background. */
    private record Snapshot(Forest forest, List<RowData> rows) {
    }

    private record RowData(String agentId, String orchId, String taskId, String scope, String state, String jti,
                           Instant issuedAt, Instant expiresAt) {
    }

    private static Snapshot snapshot(List<Model.AgentView> agents) {
        Forest f = new Forest(agents);
        List<RowData> rows = new java.util.ArrayList<>(agents.size());
        for (Model.AgentView a : agents) {
            var current = f.current(a.agentId());
            String state = a.state().equals("revoked") ? "revoked" : current.map(n -> n.token().state()).orElse(a.state());
            rows.add(new RowData(a.agentId(), a.orchId(), a.taskId(),
                    current.map(n -> String.join(" ", n.token().scope())).orElse(""), state,
                    current.map(Forest.Node::jti).orElse(null), current.map(n -> n.token().issuedAt()).orElse(null),
                    current.map(n -> n.token().effectiveExpiresAt()).orElse(null)));
        }
        return new Snapshot(f, rows);
    }

    private void applyRows(List<RowData> slice) {
        List<AgentRow> added = new java.util.ArrayList<>();
        for (RowData d : slice) {
            AgentRow row = byAgent.get(d.agentId());
            if (row == null) {
                row = new AgentRow(d.agentId());
                byAgent.put(d.agentId(), row);
                added.add(row);
            }
            row.update(d.orchId(), d.taskId(), d.scope(), d.state(), d.jti(), d.issuedAt(), d.expiresAt());
        }
        rows.addAll(added);
    }

    private void finish(Snapshot snapshot) {
        if (rows.size() != snapshot.rows().size()) {
            Set<String> seen = new HashSet<>();
            snapshot.rows().forEach(d -> seen.add(d.agentId()));
            rows.removeIf(r -> !seen.contains(r.agentId()));
            byAgent.keySet().retainAll(seen);
        }
        forest.set(snapshot.forest());
        liveAgents.set(rows.stream().filter(r -> "active".equals(r.state())).count());
        liveTokens.set(snapshot.forest().liveTokens());
    }

    private void mark(Set<String> jtis, String state) {
        for (AgentRow row : rows) {
            if (row.jti() != null && jtis.contains(row.jti()) && "active".equals(row.state())) {
                row.markState(state);
            }
        }
        liveAgents.set(rows.stream().filter(r -> "active".equals(r.state())).count());
    }

    private static boolean matches(AgentRow row, String text) {
        if (text == null || text.isBlank()) {
            return true;
        }
        String t = text.toLowerCase(Locale.ROOT);
        return row.agentId().toLowerCase(Locale.ROOT).contains(t)
                || row.orchIdProperty().get().toLowerCase(Locale.ROOT).contains(t)
                || row.taskIdProperty().get().toLowerCase(Locale.ROOT).contains(t)
                || row.scopeProperty().get().toLowerCase(Locale.ROOT).contains(t)
                || row.stateProperty().get().toLowerCase(Locale.ROOT).contains(t);
    }
}
