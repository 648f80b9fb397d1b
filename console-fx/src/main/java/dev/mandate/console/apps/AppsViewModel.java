package dev.mandate.console.apps;

import dev.mandate.console.client.BrokerApi;
import dev.mandate.console.client.BrokerException;
import dev.mandate.console.client.Model;
import dev.mandate.console.fx.Tasks;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.List;
import java.util.Optional;

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

    /**
     * Registers an app from the form's text: scopes separated by spaces or commas, the token lifetime in
     * seconds (blank: the broker's default). The client secret goes to {@code showOnce} on the FX thread and is
     * kept nowhere here; bad input is said in the message and nothing is sent.
     */
    public void create(String name, String scopesText, String ttlText, java.util.function.Consumer<Model.CreatedApp> showOnce) {
        Optional<Form> form = form(name, scopesText, ttlText, true);
        form.ifPresent(f -> tasks.background(() -> {
            try {
                Model.CreatedApp created = broker.createApp(f.name(), f.scopes(), f.ttl());
                tasks.fx(() -> {
                    message.set("Registered " + created.app().name() + " (" + created.app().clientId() + ")");
                    showOnce.accept(created);
                });
                refresh();
            } catch (BrokerException e) {
                tasks.fx(() -> message.set("Registration failed: " + e.getMessage()));
            }
        }));
    }

    /** Changes an app's ceiling and lifetime from the form's text; bad input is said and nothing is sent. */
    public void update(Model.AppView app, String scopesText, String ttlText) {
        Optional<Form> form = form(app.name(), scopesText, ttlText, false);
        form.ifPresent(f -> tasks.background(() -> {
            try {
                Model.AppView updated = broker.updateApp(app.appId(), f.scopes(), f.ttl());
                tasks.fx(() -> message.set("Updated " + updated.name() + ": " + String.join(" ", updated.scopes())
                        + ", tokens live " + updated.tokenTtl() + " s"));
                refresh();
            } catch (BrokerException e) {
                tasks.fx(() -> message.set("Update failed: " + e.getMessage()));
            }
        }));
    }

    private record Form(String name, List<String> scopes, Long ttl) {
    }

    private Optional<Form> form(String name, String scopesText, String ttlText, boolean needsName) {
        List<String> scopes = java.util.Arrays.stream(scopesText.split("[\\s,]+")).filter(x -> !x.isBlank()).toList();
        String problem = null;
        Long ttl = null;
        if (needsName && name.isBlank()) {
            problem = "an app needs a name";
        } else if (scopes.isEmpty()) {
            problem = "an app needs at least one scope, e.g. read:data:*";
        } else if (!ttlText.isBlank()) {
            try {
                ttl = Long.parseLong(ttlText.strip());
                if (ttl <= 0) {
                    problem = "the token lifetime is a number of seconds above 0";
                }
            } catch (NumberFormatException e) {
                problem = "the token lifetime is a number of seconds above 0";
            }
        }
        if (problem != null) {
            message.set(problem);
            return Optional.empty();
        }
        return Optional.of(new Form(name.strip(), scopes, ttl));
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
