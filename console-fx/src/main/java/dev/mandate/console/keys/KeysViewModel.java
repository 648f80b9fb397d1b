package dev.mandate.console.keys;

import dev.mandate.console.client.BrokerApi;
import dev.mandate.console.client.BrokerException;
import dev.mandate.console.client.Model;
import dev.mandate.console.fx.Tasks;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** The keys tab's state and commands: the key list, and "rotate now"; it never touches a Node. */
public final class KeysViewModel {

    private final BrokerApi broker;
    private final Tasks tasks;
    private final ObservableList<Model.KeyView> keys = FXCollections.observableArrayList();
    private final ObservableList<Model.KeyView> readOnlyKeys = FXCollections.unmodifiableObservableList(keys);
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");

    public KeysViewModel(BrokerApi broker, Tasks tasks) {
        this.broker = broker;
        this.tasks = tasks;
    }

    public ObservableList<Model.KeyView> keys() {
        return readOnlyKeys;
    }

    /** What the last command did, or why it failed. */
    public ReadOnlyStringProperty message() {
        return message.getReadOnlyProperty();
    }

    /** Reloads the key list in the background. */
    public void refresh() {
        tasks.background(() -> {
            try {
                var list = broker.keys();
                tasks.fx(() -> keys.setAll(list));
            } catch (BrokerException e) {
                tasks.fx(() -> message.set(e.getMessage()));
            }
        });
    }

    /** Rotates at once, then says which key signs now and reloads the list. */
    public void rotateNow() {
        tasks.background(() -> {
            try {
                String kid = broker.rotateNow();
                tasks.fx(() -> message.set("Now signing with " + kid));
                refresh();
            } catch (BrokerException e) {
                tasks.fx(() -> message.set("Rotation failed: " + e.getMessage()));
            }
        });
    }
}
