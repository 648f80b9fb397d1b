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

    public ReadOnlyStringProperty connection() {
        return connection.getReadOnlyProperty();
    }

    /** Asks the broker how it is (in the background); a 503 is a degraded broker whose HSM is down. */
    public void refresh() {
        tasks.background(() -> {
            try {
                var h = broker.health();
                tasks.fx(() -> {
                    health.set("broker: " + h.status());
                    hsm.set("HSM: " + h.hsm());
                });
            } catch (BrokerException e) {
                tasks.fx(() -> {
                    health.set("broker: " + (e.status() == 503 ? "degraded" : "unreachable"));
                    hsm.set(e.status() == 503 ? "HSM: down" : "HSM: ?");
                });
            }
        });
    }

    /** From the event feed's thread: its connection state. */
    public void connection(EventFeed.State state) {
        tasks.fx(() -> connection.set("events: " + state.name().toLowerCase(Locale.ROOT)));
    }
}
