package dev.mandate.server.app;

import java.util.Locale;

/** An app is {@code active} until an operator deactivates it (DELETE); then {@code inactive} for good. */
public enum AppStatus {
    ACTIVE, INACTIVE;

    /** The name on the wire and in the database. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static AppStatus ofWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
