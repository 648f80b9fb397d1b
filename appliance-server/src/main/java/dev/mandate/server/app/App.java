package dev.mandate.server.app;

import dev.mandate.server.http.Json;
import dev.mandate.server.scope.Scopes;
import jakarta.json.JsonObjectBuilder;

import java.time.Instant;

/** A registered app, without its secret. */
public record App(String appId, String name, String clientId, Scopes scopes, int tokenTtl, AppStatus status,
                  Instant createdAt, Instant updatedAt, Instant deregisteredAt) {

    public boolean active() {
        return status == AppStatus.ACTIVE;
    }

    JsonObjectBuilder json() {
        return Json.object()
                .add("app_id", appId)
                .add("name", name)
                .add("client_id", clientId)
                .add("scopes", Json.strings(scopes.strings()))
                .add("token_ttl", tokenTtl)
                .add("status", status.wire())
                .add("created_at", Json.time(createdAt))
                .add("updated_at", Json.time(updatedAt))
                .add("deregistered_at", Json.timeOrNull(deregisteredAt));
    }
}
