package dev.mandate.console.overview;

import dev.mandate.console.client.BrokerApi;
import dev.mandate.console.client.Model;
import dev.mandate.console.fx.Tasks;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

import java.util.List;
import java.util.Map;

/**
 * The overview tab's state: one line per kind of thing the broker holds, and one rate series per kind of
 * operation over the last 15 minutes, from {@code GET /v1/admin/overview}. Never touches a Node.
 */
public final class OverviewViewModel {

    /** A rate series: its name and its points (epoch second, per second), oldest first. */
    public record Series(String name, List<Point> points) {
    }

    public record Point(long epochSecond, double perSecond) {
    }

    private static final Map<String, String> TITLES = Map.of("issued", "Issued", "renewed", "Renewed",
            "delegated", "Delegated", "revoked", "Revoked", "refused_validations", "Refused validations");

    private final BrokerApi broker;
    private final Tasks tasks;
    private final ReadOnlyStringWrapper agents = new ReadOnlyStringWrapper("Agents: …");
    private final ReadOnlyStringWrapper tokens = new ReadOnlyStringWrapper("Tokens: …");
    private final ReadOnlyStringWrapper apps = new ReadOnlyStringWrapper("Apps: …");
    private final ReadOnlyStringWrapper keys = new ReadOnlyStringWrapper("Keys: …");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<List<Series>> series = new ReadOnlyObjectWrapper<>(List.of());

    public OverviewViewModel(BrokerApi broker, Tasks tasks) {
        this.broker = broker;
        this.tasks = tasks;
    }

    public ReadOnlyStringProperty agents() {
        return agents.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty tokens() {
        return tokens.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty apps() {
        return apps.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty keys() {
        return keys.getReadOnlyProperty();
    }

    /** The status bar's counts: "agents: 100,000   live tokens: 99,812". */
    public ReadOnlyStringProperty summary() {
        return summary.getReadOnlyProperty();
    }

    /** Why the last refresh failed, or "". */
    public ReadOnlyStringProperty message() {
        return message.getReadOnlyProperty();
    }

    /** The rate series, replaced whole at each refresh. */
    public ReadOnlyObjectProperty<List<Series>> series() {
        return series.getReadOnlyProperty();
    }

    /** Asks the broker (in the background) and shows its answer. */
    public void refresh() {
        tasks.background(() -> {
            try {
                Model.Overview o = broker.overview();
                String agentsLine = "Agents: " + o.agents() + " registered";
                String tokensLine = "Tokens: " + line(o.tokens(), List.of("live", "released", "superseded"))
                        + " · revocation entries " + o.revocationEntries();
                String appsLine = "Apps: " + line(o.apps(), List.of("active", "inactive"));
                String keysLine = "Keys: " + line(o.keys(), List.of("active", "next", "retiring", "retired", "revoked"));
                List<Series> all = series(o);
                String summaryLine = String.format("agents: %,d   live tokens: %,d", o.agents(), o.tokens().getOrDefault("live", 0L));
                tasks.fx(() -> {
                    summary.set(summaryLine);
                    agents.set(agentsLine);
                    tokens.set(tokensLine);
                    apps.set(appsLine);
                    keys.set(keysLine);
                    series.set(all);
                    message.set("");
                });
            } catch (RuntimeException e) {   // a broker's answer it cannot read, too
                tasks.fx(() -> message.set("Overview failed: " + e.getMessage()));
            }
        });
    }

    /** "3 active · 1 revoked · 0 released": the usual states in order (0 when absent), then any others. */
    static String line(Map<String, Long> counts, List<String> usual) {
        StringBuilder s = new StringBuilder();
        for (String state : usual) {
            s.append(s.isEmpty() ? "" : " · ").append(counts.getOrDefault(state, 0L)).append(' ').append(state);
        }
        counts.forEach((state, n) -> {
            if (!usual.contains(state)) {
                s.append(" · ").append(n).append(' ').append(state);
            }
        });
        return s.toString();
    }

    private static List<Series> series(Model.Overview o) {
        List<Series> all = new java.util.ArrayList<>();
        for (int i = 0; i < o.series().size(); i++) {
            int index = i;
            List<Point> points = o.points().stream()
                    .map(p -> new Point(p.at().getEpochSecond(), p.perSecond().get(index))).toList();
            all.add(new Series(TITLES.getOrDefault(o.series().get(i), o.series().get(i)), points));
        }
        return List.copyOf(all);
    }
}
