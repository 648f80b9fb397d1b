package dev.mandate.console.status;

import dev.mandate.console.client.BrokerApi;
import dev.mandate.console.client.BrokerException;
import dev.mandate.console.client.EventFeed;
import dev.mandate.console.fx.Tasks;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

import java.util.Locale;

/** The status bar's state: broker health, HSM and database state, and the event stream's connection and lag. */
public final class StatusViewModel {

    private final BrokerApi broker;
    private final Tasks tasks;
    private final java.time.Clock clock;
    private final ReadOnlyStringWrapper health = new ReadOnlyStringWrapper("broker: …");
    private final ReadOnlyStringWrapper hsm = new ReadOnlyStringWrapper("HSM: …");
    private final ReadOnlyStringWrapper database = new ReadOnlyStringWrapper("database: …");
    private final ReadOnlyStringWrapper connection = new ReadOnlyStringWrapper("events: connecting");
    private final ReadOnlyStringWrapper nodes = new ReadOnlyStringWrapper("");
    /** The event stream's state, and the lag of the newest event that arrived live (-1: none yet); set by the feed's thread. */
    private volatile EventFeed.State feedState = EventFeed.State.CONNECTING;
    private volatile long lagMillis = -1;

    public StatusViewModel(BrokerApi broker, Tasks tasks) {
        this(broker, tasks, java.time.Clock.systemUTC());
    }

    /** {@code clock}: what an event's arrival is timed by, against the time the broker logged it. */
    public StatusViewModel(BrokerApi broker, Tasks tasks, java.time.Clock clock) {
        this.broker = broker;
        this.tasks = tasks;
        this.clock = clock;
    }

    public ReadOnlyStringProperty health() {
        return health.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty hsm() {
        return hsm.getReadOnlyProperty();
    }

    /** "database: connected", or "unreachable", as the broker says. */
    public ReadOnlyStringProperty database() {
        return database.getReadOnlyProperty();
    }

    /** The cluster's nodes with their heartbeat's age ("" for a broker alone on its database). */
    public ReadOnlyStringProperty nodes() {
        return nodes.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty connection() {
        return connection.getReadOnlyProperty();
    }

    /**
     * Asks the broker how it is (in the background), and why when it is degraded; the event stream's lag is
     * drawn again with it (every few seconds, however many events arrive meanwhile).
     */
    public void refresh() {
        tasks.fx(this::showConnection);
        tasks.background(() -> {
            try {
                var h = broker.health();
                String cluster = nodes(h.nodes());
                String state = "broker: " + h.status() + why(h);
                tasks.fx(() -> {
                    health.set(state);
                    hsm.set("HSM: " + h.hsm());
                    database.set("database: " + (h.dbConnected() ? "connected" : "unreachable"));
                    nodes.set(cluster);
                });
            } catch (BrokerException e) {
                // No health body (a proxy's 503, or no answer): nothing is known of the HSM or the database.
                tasks.fx(() -> {
                    health.set("broker: " + (e.status() == 503 ? "degraded" : "unreachable"));
                    hsm.set("HSM: ?");
                    database.set("database: ?");
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
        feedState = state;
        if (state != EventFeed.State.LIVE) {
            lagMillis = -1;   // a lag is measured afresh on each connection, once it is live
        }
        tasks.fx(this::showConnection);
    }

    /**
     * From the event feed's thread: an event arrived. Once the stream is live, its lag is how long after the
     * broker logged it it arrived, by this machine's clock against the broker's; replayed events are history,
     * not lag. Nothing is posted to the FX thread: the lag is drawn at the next {@link #refresh}.
     */
    public void received(dev.mandate.console.client.Model.LiveEvent e) {
        if (feedState == EventFeed.State.LIVE) {
            lagMillis = Math.max(0, clock.millis() - e.at().toEpochMilli());
        }
    }

    /** "events: live · lag 40 ms", "events: catching up" (the replay of what was missed), "events: reconnecting", … */
    private void showConnection() {
        EventFeed.State state = feedState;
        long lag = lagMillis;
        String text = switch (state) {
            case CONNECTED -> "catching up";
            case LIVE -> "live" + (lag < 0 ? "" : lag < 1000 ? " · lag " + lag + " ms"
                    : String.format(Locale.ROOT, " · lag %.1f s", lag / 1000.0));
            default -> state.name().toLowerCase(Locale.ROOT);
        };
        connection.set("events: " + text);
    }
}
