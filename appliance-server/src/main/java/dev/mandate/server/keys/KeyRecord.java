package dev.mandate.server.keys;


import java.time.Instant;

/**
 * A signing key's metadata (never the key): {@code next} (published, not yet signing), {@code active}
 * (signs), {@code retiring} (verifies until its tokens expire), {@code retired}, or {@code revoked}.
 */
public record KeyRecord(String kid, String label, String alg, KeyState state, Instant createdAt, Instant activatesAt,
                        Instant activatedAt, Instant retiredAt) {
}
