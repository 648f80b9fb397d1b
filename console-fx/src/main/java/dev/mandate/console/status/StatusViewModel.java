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

    /** Asks the broker how it is (in the background); a 503 is a degraded broker whose HSM is down. */
    public void refresh() {
        tasks.background(() -> {
            try {
                var h = broker.health();
                String cluster = nodes(h.nodes());
                tasks.fx(() -> {
                    health.set("broker: " + h.status());
                    hsm.set("HSM: " + h.hsm());
                    nodes.set(cluster);
                });
            } catch (BrokerException e) {
                tasks.fx(() -> {
                    health.set("broker: " + (e.status() == 503 ? "degraded" : "unreachable"));
                    hsm.set(e.status() == 503 ? "HSM: down" : "HSM: ?");
                });
            }
        });
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
