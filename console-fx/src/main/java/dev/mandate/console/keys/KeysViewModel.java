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

    /**
     * The confirmation for revoking {@code key}, with the number of live tokens that die as the broker counts
     * it now (not as the list last showed it), handed to {@code ask} on the FX thread. Nothing is sent yet; a
     * key already retired or revoked has nothing to revoke.
     */
    public void prepareRevoke(Model.KeyView key, java.util.function.Consumer<Confirmation> ask) {
        if (key.state().equals("retired") || key.state().equals("revoked")) {
            message.set("Key " + key.kid() + " is " + key.state() + ": it signs and verifies nothing, nothing to revoke.");
            return;
        }
        tasks.background(() -> {
            try {
                Model.KeyView now = broker.keys().stream().filter(k -> k.kid().equals(key.kid())).findFirst()
                        .orElseThrow(() -> new BrokerException(404, "key " + key.kid() + " is gone"));
                tasks.fx(() -> ask.accept(confirmation(now)));
            } catch (BrokerException e) {
                tasks.fx(() -> message.set("Cannot count what would die: " + e.getMessage()));
            }
        });
    }

    /** What revoking {@code key} says, from its count of live tokens. */
    static Confirmation confirmation(Model.KeyView key) {
        long n = key.liveTokens();
        String successor = key.state().equals("active") ? " The next key takes over signing in the same step." : "";
        return new Confirmation(key.kid(), "Revoke key " + key.kid() + " (" + key.label() + "): " + n + " live token"
                + (n == 1 ? "" : "s") + " signed by it or derived from its tokens will die, and it is removed from the HSM and the JWKS."
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
