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

    /** What revoking a key will do, shown before it is sent. */
    public record Confirmation(String kid, String description, long liveTokens) {
    }

    /** The confirmation for revoking {@code key}; nothing is sent yet. */
    public Confirmation prepareRevoke(Model.KeyView key) {
        long n = key.liveTokens();
        String successor = key.state().equals("active") ? " The next key takes over signing in the same step." : "";
        return new Confirmation(key.kid(), "Revoke key " + key.kid() + " (" + key.label() + "): " + n + " live token"
                + (n == 1 ? "" : "s") + " signed by it will die, and it is removed from the HSM and the JWKS."
                + successor, n);
    }

    /** Sends the confirmed revocation, then says how many live tokens died and reloads the list. */
    public void confirmRevoke(Confirmation c) {
        tasks.background(() -> {
            try {
                int killed = broker.revokeKey(c.kid());
                tasks.fx(() -> message.set("Revoked key " + c.kid() + ": " + killed + " live token" + (killed == 1 ? "" : "s") + " killed."));
                refresh();
            } catch (BrokerException e) {
                tasks.fx(() -> message.set("Revocation failed: " + e.getMessage()));
            }
        });
    }

    /**
     * The key's life so far, UTC: "created 12-01 10:00 → active 12-01 10:05 → stopped signing 12-02 10:05 →
     * retired"; a revoked key ends "→ revoked 12-02 11:00", a waiting one "→ next (published, not yet signing)".
     */
    public static String timeline(Model.KeyView k) {
        StringBuilder s = new StringBuilder("created ").append(STAMP.format(k.createdAt()));
        if (k.activatedAt() != null) {
            s.append(" → active ").append(STAMP.format(k.activatedAt()));
        }
        switch (k.state()) {
            case "next" -> s.append(" → next (published, not yet signing)");
            case "revoked" -> s.append(" → revoked").append(k.retiredAt() == null ? "" : " " + STAMP.format(k.retiredAt()));
            case "retiring", "retired" -> {
                if (k.retiredAt() != null) {
                    s.append(" → stopped signing ").append(STAMP.format(k.retiredAt()));
                }
                s.append(k.state().equals("retiring") ? " (verifies until its tokens expire)" : " → retired");
            }
            default -> { }
        }
        return s.toString();
    }

    private static final java.time.format.DateTimeFormatter STAMP =
            java.time.format.DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(java.time.ZoneOffset.UTC);

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
