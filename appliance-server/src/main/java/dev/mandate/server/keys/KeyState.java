package dev.mandate.server.keys;

import java.util.Locale;

/**
 * A signing key's state (SPEC §5): {@code next} (published, not yet signing), {@code active} (signs;
 * exactly one), {@code retiring} (verifies until its tokens expire), {@code retired} (gone from the
 * JWKS), {@code revoked} (compromised: its tokens die at once).
 */
public enum KeyState {
    NEXT, ACTIVE, RETIRING, RETIRED, REVOKED;

    /** The states whose public key still verifies tokens (and is published in the JWKS). */
    public boolean verifies() {
        return this == NEXT || this == ACTIVE || this == RETIRING;
    }

    /** The name on the wire and in the database: {@code next}, {@code active}, … */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static KeyState ofWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
