package dev.mandate.server.keys;

import dev.mandate.server.http.Json;
import jakarta.json.JsonObject;

import java.time.Instant;

/**
 * A signing key's metadata (never the key): {@code next} (published, not yet signing), {@code active}
 * (signs), {@code retiring} (verifies until its tokens expire), {@code retired}, or {@code revoked}.
 */
public record KeyRecord(String kid, String label, String alg, KeyState state, Instant createdAt, Instant activatesAt,
                        Instant activatedAt, Instant retiredAt) {

    JsonObject json() {
        return Json.object()
                .add("kid", kid)
                .add("alg", alg)
                .add("state", state.wire())
                .add("label", label)
                .add("created_at", Json.time(createdAt))
                .add("activated_at", Json.timeOrNull(activatedAt))
                .add("retired_at", Json.timeOrNull(retiredAt))
                .build();
    }
}
