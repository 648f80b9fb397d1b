package dev.mandate.console.apps;

import dev.mandate.console.client.BrokerApi;
import dev.mandate.console.client.BrokerException;
import dev.mandate.console.client.Model;
import dev.mandate.console.fx.Tasks;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The apps tab's state and commands: the registered apps, and deactivation, which can also revoke every
 * agent the app launched (at chain level) — the operator's choice, asked in the confirmation.
 */
public final class AppsViewModel {

    private final BrokerApi broker;
    private final Tasks tasks;
    private final ObservableList<Model.AppView> apps = FXCollections.observableArrayList();
    private final ObservableList<Model.AppView> readOnlyApps = FXCollections.unmodifiableObservableList(apps);
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");

    public AppsViewModel(BrokerApi broker, Tasks tasks) {
        this.broker = broker;
        this.tasks = tasks;
    }

    public ObservableList<Model.AppView> apps() {
        return readOnlyApps;
    }

    public ReadOnlyStringProperty message() {
        return message.getReadOnlyProperty();
    }

    public void refresh() {
        tasks.background(() -> {
            try {
                var list = broker.apps();
                tasks.fx(() -> apps.setAll(list));
            } catch (BrokerException e) {
                tasks.fx(() -> message.set(e.getMessage()));
            }
        });
    }

    /** What the confirmation says before anything is sent. */
    public static String confirmation(Model.AppView app, boolean revokeAgents) {
        return "Deactivate " + app.name() + " (" + app.clientId() + ")? Its tokens and launch tokens stop working at once. "
                + (revokeAgents ? "Every agent it launched is revoked too, with everything delegated from them."
                : "Agents it launched keep their tokens until they expire.");
    }

    /** Deactivates (after the operator confirmed), says what died, and reloads the list. */
    public void deactivate(Model.AppView app, boolean revokeAgents) {
        tasks.background(() -> {
            try {
                Model.Deactivation d = broker.deactivate(app.appId(), revokeAgents);
                tasks.fx(() -> message.set("Deactivated " + app.name() + (revokeAgents
                        ? ": " + d.revokedAgents() + " agents revoked, " + d.count() + " live tokens killed" : "")));
                refresh();
            } catch (BrokerException e) {
                tasks.fx(() -> message.set("Deactivation failed: " + e.getMessage()));
            }
        });
    }
}
