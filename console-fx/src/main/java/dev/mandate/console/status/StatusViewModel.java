package dev.mandate.console.status;

import dev.mandate.console.client.BrokerApi;
import dev.mandate.console.client.BrokerException;
import dev.mandate.console.client.EventFeed;
import dev.mandate.console.fx.Tasks;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

import java.util.Locale;

/** The status bar's state: broker health, HSM state and the event stream's connection. */
public final class StatusViewModel {

    private final BrokerApi broker;
    private final Tasks tasks;
    private final ReadOnlyStringWrapper health = new ReadOnlyStringWrapper("broker: …");
    private final ReadOnlyStringWrapper hsm = new ReadOnlyStringWrapper("HSM: …");
    private final ReadOnlyStringWrapper connection = new ReadOnlyStringWrapper("events: connecting");
    private final ReadOnlyStringWrapper nodes = new ReadOnlyStringWrapper("");

    public StatusViewModel(BrokerApi broker, Tasks tasks) {
        this.broker = broker;
        this.tasks = tasks;
    }

    public ReadOnlyStringProperty health() {
        return health.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty hsm() {
        return hsm.getReadOnlyProperty();
    }

    /** The cluster's nodes with their heartbeat's age ("" for a broker alone on its database). */
    public ReadOnlyStringProperty nodes() {
        return nodes.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty connection() {
        return connection.getReadOnlyProperty();
    }

    /** Asks the broker how it is (in the background), and why when it is degraded. */
    public void refresh() {
        tasks.background(() -> {
            try {
                var h = broker.health();
                String cluster = nodes(h.nodes());
                String state = "broker: " + h.status() + why(h);
                tasks.fx(() -> {
                    health.set(state);
                    hsm.set("HSM: " + h.hsm());
                    nodes.set(cluster);
                });
            } catch (BrokerException e) {
                // No health body (a proxy's 503, or no answer): nothing is known of the HSM.
                tasks.fx(() -> {
                    health.set("broker: " + (e.status() == 503 ? "degraded" : "unreachable"));
                    hsm.set("HSM: ?");
                });
            }
        });
    }

    /** Why a broker is degraded, as the health body says: its database, its HSM, or its lag behind the cluster. */
    private static String why(dev.mandate.console.client.Model.Health h) {
        if (h.status().equals("ok")) {
            return "";
        }
        java.util.List<String> causes = new java.util.ArrayList<>();
        if (!h.dbConnected()) {
            causes.add("database unreachable");
        }
        if (!h.hsm().equals("up")) {
            causes.add("HSM " + h.hsm());
        }
        if (h.nodes().stream().anyMatch(n -> n.self() && !n.current())) {
            causes.add("behind the cluster");
        }
        return causes.isEmpty() ? "" : " (" + String.join(", ", causes) + ")";
    }

    /** "nodes: a (this) 12 ms · b 140 ms · c lapsed 3.2 s": each node's heartbeat age, a node that cannot answer marked. */
    static String nodes(java.util.List<dev.mandate.console.client.Model.Node> nodes) {
        if (nodes.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder("nodes:");
        String separator = " ";
        for (var n : nodes) {
            s.append(separator).append(n.name()).append(n.self() ? " (this)" : "")
                    .append(n.current() ? " " + n.lagMillis() + " ms"
                            : String.format(Locale.ROOT, " lapsed %.1f s", n.lagMillis() / 1000.0));
            separator = " · ";
        }
        return s.toString();
    }

    /** From the event feed's thread: its connection state. */
    public void connection(EventFeed.State state) {
        tasks.fx(() -> connection.set("events: " + state.name().toLowerCase(Locale.ROOT)));
    }
}
