package dev.mandate.server.app;

import dev.mandate.server.scope.Scopes;

import java.time.Instant;

/** A registered app, without its secret. */
public record App(String appId, String name, String clientId, Scopes scopes, int tokenTtl, AppStatus status,
                  Instant createdAt, Instant updatedAt, Instant deregisteredAt, boolean senderConstrained) {

    public boolean active() {
        return status == AppStatus.ACTIVE;
    }
}
