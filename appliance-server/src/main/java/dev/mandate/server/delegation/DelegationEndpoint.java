package dev.mandate.server.delegation;

import dev.mandate.server.http.ApiRoutes;
import dev.mandate.server.http.Json;
import dev.mandate.server.http.JsonBody;
import dev.mandate.server.scope.Scopes;
import dev.mandate.server.http.Bearer;
import dev.mandate.server.claims.ChainLink;
import dev.mandate.server.token.IssuedToken;
import dev.mandate.server.claims.TokenClaims;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code POST /v1/delegate}. */
public record DelegationEndpoint(Delegations delegations, Bearer bearer) {

    public void routing(ApiRoutes routes) {
        routes.post("/v1/delegate", this::delegate);
    }

    private void delegate(ServerRequest req, ServerResponse res) {
        TokenClaims caller = bearer.require(req);
        JsonBody body = JsonBody.read(req);
        String delegateTo = body.string("delegate_to");
        Scopes scope = Scopes.parse(body.stringList("scope"), "scope");
        long ttl = body.optionalLong("ttl").orElse(Delegations.DEFAULT_TTL);
        IssuedToken token = delegations.delegate(caller, delegateTo, scope, ttl, body.optionalString("resource"));
        var chain = Json.array();
        for (ChainLink link : token.claims().chain()) {
            chain.add(Json.object().add("agent", link.agent()).add("jti", link.jti())
                    .add("scope", Json.strings(link.scope())).add("delegated_at", link.delegatedAt()));
        }
        Json.ok(res, Json.object()
                .add("access_token", token.jwt())
                .add("expires_in", token.claims().expiresAt().getEpochSecond() - token.claims().issuedAt().getEpochSecond())
                .add("delegation_chain", chain)
                .build());
    }
}
