package dev.mandate.server.token;

import java.util.Locale;

/**
 * What the broker records of a token it issued (SPEC §2.4): {@code active} until it is renewed
 * ({@code superseded}), released by its holder ({@code released}) or revoked ({@code revoked}).
 * {@code expired} is never stored: it is read off the clock.
 */
public enum TokenState {
    ACTIVE, EXPIRED, RELEASED, REVOKED, SUPERSEDED;

    /** The name on the wire and in the database. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TokenState ofWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
