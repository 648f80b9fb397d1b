package dev.mandate.server.admin;

import dev.mandate.server.http.ApiRoutes;
import dev.mandate.server.http.ClientAddress;
import dev.mandate.server.http.Json;
import dev.mandate.server.http.JsonBody;
import dev.mandate.server.http.RateLimiter;
import dev.mandate.server.token.IssuedToken;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code POST /v1/admin/auth}. */
public record AdminEndpoint(AdminAuth auth, RateLimiter limiter) {

    public void routing(ApiRoutes routes) {
        routes.post("/v1/admin/auth", this::authenticate);
    }

    private void authenticate(ServerRequest req, ServerResponse res) {
        String client = ClientAddress.of(req);
        limiter.acquire(client);
        String secret = JsonBody.read(req).string("secret");
        IssuedToken token = auth.authenticate(secret, client);
        Json.ok(res, Json.object()
                .add("access_token", token.jwt())
                .add("expires_in", token.claims().expiresAt().getEpochSecond() - token.claims().issuedAt().getEpochSecond())
                .add("token_type", "Bearer")
                .build());
    }
}
