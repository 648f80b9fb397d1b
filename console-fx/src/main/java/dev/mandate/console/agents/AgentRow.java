package dev.mandate.console.agents;

import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

import java.time.Instant;

/** One row of the agents table: an agent and the token it currently holds. */
public final class AgentRow {

    private final String agentId;
    private final ReadOnlyStringWrapper orchId = new ReadOnlyStringWrapper();
    private final ReadOnlyStringWrapper taskId = new ReadOnlyStringWrapper();
    private final ReadOnlyStringWrapper scope = new ReadOnlyStringWrapper();
    private final ReadOnlyStringWrapper state = new ReadOnlyStringWrapper();
    private volatile String jti;
    private volatile Instant issuedAt;
    private volatile Instant expiresAt;

    AgentRow(String agentId) {
        this.agentId = agentId;
    }

    void update(String orch, String task, String scopeText, String stateText, String tokenJti, Instant issued,
                Instant expires) {
        jti = tokenJti;
        issuedAt = issued;
        expiresAt = expires;
        orchId.set(orch);
        taskId.set(task);
        scope.set(scopeText);
        state.set(stateText);      // last: a cell that redraws on the state draws it with this token's times
    }

    void markState(String newState) {
        state.set(newState);
    }

    public String agentId() {
        return agentId;
    }

    public ReadOnlyStringProperty orchIdProperty() {
        return orchId.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty taskIdProperty() {
        return taskId.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty scopeProperty() {
        return scope.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty stateProperty() {
        return state.getReadOnlyProperty();
    }

    public String state() {
        return state.get();
    }

    public String jti() {
        return jti;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    /** Share of the token's lifetime left at {@code now}, 0 to 1; 0 once it is revoked, released or expired. */
    public double remaining(Instant now) {
        return share(issuedAt, expiresAt, "active".equals(state()), now);
    }

    /** The TTL bar's colours, as CSS pseudo-classes. */
    public static final java.util.List<String> TTL_LEVELS = java.util.List.of("ok", "amber", "red", "expired");

    /** Share of a token's lifetime left at {@code now}, 0 to 1; 0 when it is not alive. Agents' rows and trees' nodes alike. */
    public static double share(Instant issued, Instant expires, boolean alive, Instant now) {
        if (issued == null || expires == null || !alive) {
            return 0;
        }
        double total = expires.toEpochMilli() - issued.toEpochMilli();
        double left = expires.toEpochMilli() - now.toEpochMilli();
        return total <= 0 ? 0 : Math.max(0, Math.min(1, left / total));
    }

    /** {@code ok}, {@code amber} (under 30 % left), {@code red} (under 10 %), or {@code expired} (nothing left). */
    public static String level(double share) {
        return share <= 0 ? "expired" : share < 0.10 ? "red" : share < 0.30 ? "amber" : "ok";
    }

    /**
     * What the expiry column shows: "in 4m 52s" (hours too when over one) while the token lives; once it
     * does not, why ("revoked", "released", "expired"), never a countdown.
     */
    public String timeLeft(Instant now) {
        if (expiresAt == null) {
            return "";
        }
        String shown = state(now);
        if (!"active".equals(shown)) {
            return shown;
        }
        long left = secondsLeft(now);
        return left >= 3600 ? "in " + left / 3600 + "h " + left % 3600 / 60 + "m" : "in " + left / 60 + "m " + left % 60 + "s";
    }

    /**
     * What the state column shows at {@code now}: the broker's word, except that a token it last called active
     * is expired from the instant its time is up (the broker's event saying so comes up to seconds later).
     */
    public String state(Instant now) {
        String known = state();
        return "active".equals(known) && expiresAt != null && !now.isBefore(expiresAt) ? "expired" : known;
    }

    private long secondsLeft(Instant now) {
        return java.time.Duration.between(now, expiresAt).toSeconds();
    }

    /** {@code ok}, {@code amber} (under 30 % left), {@code red} (under 10 %), or {@code expired}. */
    public String ttlLevel(Instant now) {
        return level(remaining(now));
    }
}
