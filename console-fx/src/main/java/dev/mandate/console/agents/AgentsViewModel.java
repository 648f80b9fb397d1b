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

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The agents tab: one page of agents at a time, filtered, sorted and paged by the broker (a broker with
 * 100,000 agents sends the console one page, never all of them); rows kept in step with the event stream;
 * one shared clock for every countdown; and revocation at four levels behind a confirmation whose count
 * of what dies is the broker's. Never touches a Node.
 */
public final class AgentsViewModel {

    /** What a revocation will do, shown before it is sent: one target, or several at one level. */
    public record Confirmation(String level, String target, String description, int liveTokens, List<String> targets) {
    }

    /** The orders the broker can page in. */
    public enum Sort {
        /** When the agent registered: newest first is the tab's default. */
        REGISTERED("registered"),
        /** The agent's id. */
        AGENT("agent"),
        /** Time left on the agent's latest token; agents with none left (revoked, expired) last. */
        TIME_LEFT("expires");

        private final String wire;

        Sort(String wire) {
            this.wire = wire;
        }
    }

    /** One page asked of the broker; an answer to any other request than the latest is dropped. */
    private record Request(Model.AgentQuery query, int offset, int limit) {
    }

    /** How long typing must pause before the filter is sent to the broker. */
    private static final Duration FILTER_PAUSE = Duration.ofMillis(250);

    private final BrokerApi client;
    private final Tasks tasks;
    private final Duration refreshDelay;
    private final int pageSize;
    private final ObservableList<AgentRow> rows = FXCollections.observableArrayList();
    /** One read-only view of the rows, made once: each new view would add a listener to the rows. */
    private final ObservableList<AgentRow> readOnlyRows = FXCollections.unmodifiableObservableList(rows);
    private Map<String, AgentRow> byAgent = new HashMap<>();
    private final StringProperty filter = new SimpleStringProperty("");
    private Sort sort = Sort.REGISTERED;
    private boolean ascending;
    private int offset;
    private final ObjectProperty<Instant> now = new SimpleObjectProperty<>(Instant.now());
    private final ReadOnlyObjectWrapper<Forest> forest = new ReadOnlyObjectWrapper<>(new Forest(List.of()));
    private final ReadOnlyLongWrapper total = new ReadOnlyLongWrapper();
    private final ReadOnlyStringWrapper page = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
    private final AtomicBoolean refreshPending = new AtomicBoolean();
    private final AtomicLong filterEdits = new AtomicLong();
    /** Requests sent, and the latest whose answer is shown (both on the FX thread). */
    private long asked;
    private long shown;
    /** The message says the last load failed. */
    private boolean loadFailed;

    public AgentsViewModel(BrokerApi client, Tasks tasks, Duration refreshDelay) {
        this(client, tasks, refreshDelay, 100);
    }

    /** {@code pageSize}: the agents shown at once, and all the console asks the broker for at a time. */
    public AgentsViewModel(BrokerApi client, Tasks tasks, Duration refreshDelay, int pageSize) {
        this.client = client;
        this.tasks = tasks;
        this.refreshDelay = refreshDelay;
        this.pageSize = pageSize;
        // The filter goes to the broker once typing pauses, and shows its first page.
        filter.addListener((o, was, text) -> {
            long edit = filterEdits.incrementAndGet();
            tasks.later(FILTER_PAUSE, () -> tasks.fx(() -> {
                if (filterEdits.get() == edit) {
                    offset = 0;
                    refresh();
                }
            }));
        });
    }

    /** The page shown, in the broker's order. */
    public ObservableList<AgentRow> rows() {
        return readOnlyRows;
    }

    /** Agent, orch, task or scope text the broker filters by (blank: every agent). */
    public StringProperty filterProperty() {
        return filter;
    }

    /** The one clock every countdown binds to; the view's single timeline moves it. */
    public ObjectProperty<Instant> nowProperty() {
        return now;
    }

    /** The tokens of the agents shown, as delegation trees as far as they reach within the page. */
    public ReadOnlyObjectProperty<Forest> forestProperty() {
        return forest.getReadOnlyProperty();
    }

    /** How many agents match the filter in all. */
    public ReadOnlyLongProperty totalProperty() {
        return total.getReadOnlyProperty();
    }

    /** Where the page is: "101–200 of 100,000". */
    public ReadOnlyStringProperty pageProperty() {
        return page.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    /** Sorts by {@code by} (the broker sorts and pages); shows the first page. */
    public void sort(Sort by, boolean ascendingOrder) {
        if (by != sort || ascendingOrder != ascending) {
            sort = by;
            ascending = ascendingOrder;
            offset = 0;
            refresh();
        }
    }

    public void nextPage() {
        if (offset + pageSize < total.get()) {
            offset += pageSize;
            refresh();
        }
    }

    public void previousPage() {
        if (offset > 0) {
            offset = Math.max(0, offset - pageSize);
            refresh();
        }
    }

    /** Asks the broker for the page shown (in the background) and shows its answer on the FX thread. */
    public void refresh() {
        tasks.fx(() -> {
            Request request = request();
            long seq = ++asked;
            tasks.background(() -> load(request, seq));
        });
    }

    private Request request() {
        return new Request(new Model.AgentQuery(filter.get() == null ? "" : filter.get().strip(), sort.wire, ascending),
                offset, pageSize);
    }

    private void load(Request request, long seq) {
        try {
            Model.AgentPage answer = client.agents(request.query(), request.offset(), request.limit());
            Forest f = new Forest(answer.agents());          // built off the FX thread
            List<RowData> data = answer.agents().stream().map(a -> RowData.of(a, f)).toList();
            tasks.fx(() -> {
                if (!request.equals(request()) || seq < shown) {
                    return;                   // the operator moved on, or a later answer is shown already
                }
                shown = seq;
                if (data.isEmpty() && offset > 0 && answer.total() > 0) {
                    offset = (int) ((answer.total() - 1) / pageSize * pageSize);   // the page emptied: show the last one
                    refresh();
                    return;
                }
                show(data, f, answer.total());
            });
        } catch (BrokerException e) {
            tasks.fx(() -> {
                if (seq >= shown) {                   // a later answer is not undone by an earlier failure
                    message.set(e.getMessage());
                    loadFailed = true;
                }
            });
        }
    }

    private void show(List<RowData> data, Forest f, long matching) {
        Map<String, AgentRow> next = new HashMap<>();
        List<AgentRow> ordered = new ArrayList<>(data.size());
        for (RowData d : data) {
            AgentRow row = byAgent.get(d.agentId());
            if (row == null) {
                row = new AgentRow(d.agentId());
            }
            row.update(d.orchId(), d.taskId(), d.scope(), d.state(), d.jti(), d.issuedAt(), d.expiresAt());
            next.put(d.agentId(), row);
            ordered.add(row);
        }
        byAgent = next;
        // The same agents in the same order are updated in place: the table keeps its selection and scroll.
        if (!ordered.equals(rows)) {
            rows.setAll(ordered);
        }
        forest.set(f);
        total.set(matching);
        page.set(matching == 0 ? "no agents" : String.format("%,d–%,d of %,d", offset + 1, offset + data.size(), matching));
        if (loadFailed) {
            message.set("");              // the broker answers again; an operator's own messages stay
            loadFailed = false;
        }
    }

    /** An event from the stream: what it says is shown at once, then the page is asked for again (coalesced). */
    public void onEvent(Model.LiveEvent e) {
        // Only what ends tokens is marked at once: a flood of registrations posts nothing to the FX thread.
        switch (e.type()) {
            case "token_revoked" -> tasks.fx(() -> mark(forest.get().dying(e.level(), e.target()), "revoked"));
            case "token_released" -> tasks.fx(() -> mark(forest.get().dying("token", e.jti()), "released"));
            case "token_expired" -> tasks.fx(() -> mark(Set.of(e.jti()), "expired"));
            default -> { }
        }
        if (refreshPending.compareAndSet(false, true)) {
            tasks.later(refreshDelay, () -> {
                refreshPending.set(false);
                refresh();
            });
        }
    }

    /** What revoking {@code row} at {@code level} names: its token, its agent, or the task the row shows. */
    private static String target(AgentRow row, String level) {
        return switch (level) {
            case "token" -> row.jti();
            case "agent", "chain" -> row.agentId();
            case "task" -> row.taskIdProperty().get();
            default -> throw new IllegalArgumentException(level);
        };
    }

    /**
     * The confirmation for revoking the {@code selected} rows at {@code level}, counted by the broker (each
     * live token once, however many of them reach it); handed to {@code ask} on the FX thread. Nothing is sent yet.
     */
    public void prepare(List<AgentRow> selected, String level, Consumer<Confirmation> ask) {
        prepare(level, selected.stream().map(r -> target(r, level)).filter(Objects::nonNull).distinct().toList(), ask);
    }

    /** The confirmation for revoking every one of {@code targets} at {@code level}; see {@link #prepare(List, String, Consumer)}. */
    public void prepare(String level, List<String> targets, Consumer<Confirmation> ask) {
        if (targets.isEmpty()) {
            return;
        }
        tasks.background(() -> {
            try {
                int dying = client.previewRevocation(level, targets);
                Confirmation c = confirmation(level, targets, dying);
                tasks.fx(() -> ask.accept(c));
            } catch (BrokerException e) {
                tasks.fx(() -> message.set("Cannot count what would die: " + e.getMessage()));
            }
        });
    }

    private static Confirmation confirmation(String level, List<String> targets, int dying) {
        String tokens = ": " + dying + " live token" + (dying == 1 ? "" : "s") + " will die.";
        if (targets.size() > 1) {
            String what = targets.size() + " " + level + "s";
            return new Confirmation(level, what, "Revoke " + what + " (" + String.join(", ", targets.stream().limit(3).toList())
                    + (targets.size() > 3 ? ", …" : "") + ")" + tokens, dying, targets);
        }
        String target = targets.getFirst();
        String what = switch (level) {
            case "token" -> "token " + target + " and every token delegated from it";
            case "agent" -> "every token of agent " + target + " and everything delegated from them; the agent can never renew, delegate or receive a delegation";
            case "task" -> "every token of task " + target + "; new registrations for it are refused";
            case "chain" -> "every delegation tree " + target + " takes part in, whole";
            default -> throw new IllegalArgumentException(level);
        };
        return new Confirmation(level, target, "Revoke " + what + tokens, dying, targets);
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

    /** A row as the broker's answer has it, computed in the background. */
    private record RowData(String agentId, String orchId, String taskId, String scope, String state, String jti,
                           Instant issuedAt, Instant expiresAt) {
        static RowData of(Model.AgentView a, Forest f) {
            var current = f.current(a.agentId());
            String state = a.state().equals("revoked") ? "revoked" : current.map(n -> n.token().state()).orElse(a.state());
            return new RowData(a.agentId(), a.orchId(), a.taskId(),
                    current.map(n -> String.join(" ", n.token().scope())).orElse(""), state,
                    current.map(Forest.Node::jti).orElse(null), current.map(n -> n.token().issuedAt()).orElse(null),
                    current.map(n -> n.token().effectiveExpiresAt()).orElse(null));
        }
    }

    private void mark(Set<String> jtis, String state) {
        for (AgentRow row : rows) {
            if (row.jti() != null && jtis.contains(row.jti()) && "active".equals(row.state())) {
                row.markState(state);
            }
        }
    }
}
