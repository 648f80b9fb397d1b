package dev.mandate.server.app;

import dev.mandate.server.error.Refusal;
import dev.mandate.server.http.ApiRoutes;
import dev.mandate.server.http.ClientAddress;
import dev.mandate.server.http.Json;
import dev.mandate.server.http.JsonBody;
import dev.mandate.server.http.RateLimiter;
import dev.mandate.server.scope.Scope;
import dev.mandate.server.scope.Scopes;
import dev.mandate.server.http.Bearer;
import dev.mandate.server.token.IssuedToken;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.OptionalLong;

/** {@code /v1/admin/apps…} (operator) and {@code POST /v1/app/auth} (apps). */
public record AppEndpoint(Apps apps, Bearer bearer, RateLimiter authLimiter, RateLimiter credentialLimiter) {

    private static final Scope MANAGE = Scope.parse("admin:launch-tokens:*");

    public void routing(ApiRoutes routes) {
        routes.post("/v1/admin/apps", this::create)
              .get("/v1/admin/apps", this::list)
              .get("/v1/admin/apps/{id}", this::get)
              .put("/v1/admin/apps/{id}", this::update)
              .delete("/v1/admin/apps/{id}", this::deactivate)
              .post("/v1/app/auth", this::authenticate);
    }

    private void create(ServerRequest req, ServerResponse res) {
        bearer.require(req, MANAGE);
        JsonBody body = JsonBody.read(req);
        String name = body.string("name");
        Scopes scopes = Scopes.parse(body.stringList("scopes"), "scopes");
        Apps.Created created = apps.create(name, scopes, boxed(body.optionalLong("token_ttl")),
                body.optionalBoolean("sender_constrained").orElse(false));
        Json.send(res, 201, json(created.app()).add("client_secret", created.clientSecret()).build());
    }

    private void list(ServerRequest req, ServerResponse res) {
        bearer.require(req, MANAGE);
        var all = apps.list();
        var array = Json.array();
        all.forEach(a -> array.add(json(a)));
        Json.ok(res, Json.object().add("apps", array).add("total", all.size()).build());
    }

    private void get(ServerRequest req, ServerResponse res) {
        bearer.require(req, MANAGE);
        Json.ok(res, json(apps.get(id(req))).build());
    }

    private void update(ServerRequest req, ServerResponse res) {
        bearer.require(req, MANAGE);
        JsonBody body = JsonBody.read(req);
        var scopes = body.optionalStringList("scopes").map(s -> Scopes.parse(s, "scopes"));
        OptionalLong ttl = body.optionalLong("token_ttl");
        var senderConstrained = body.optionalBoolean("sender_constrained");
        if (scopes.isEmpty() && ttl.isEmpty() && senderConstrained.isEmpty()) {
            // As AgentWrit: an update names what it changes (status changes only through DELETE).
            throw Refusal.badRequest("an update needs 'scopes', 'token_ttl' or 'sender_constrained'");
        }
        Json.ok(res, json(apps.update(id(req), scopes, boxed(ttl), senderConstrained)).build());
    }

    private void deactivate(ServerRequest req, ServerResponse res) {
        bearer.require(req, MANAGE);
        boolean revokeAgents = switch (req.query().first("revoke_agents").orElse("false")) {
            case "true" -> true;
            case "false" -> false;
            default -> throw Refusal.badRequest("'revoke_agents' must be true or false");
        };
        Apps.Deactivated done = apps.deactivate(id(req), revokeAgents);
        var body = Json.object()
                .add("app_id", done.app().appId())
                .add("status", done.app().status().wire())
                .add("deregistered_at", Json.timeOrNull(done.app().deregisteredAt()));
        if (revokeAgents) {
            body.add("revoked_agents", done.revokedAgents()).add("count", done.count());
        }
        Json.ok(res, body.build());
    }

    private void authenticate(ServerRequest req, ServerResponse res) {
        JsonBody body = JsonBody.read(req);
        String clientId = body.string("client_id");
        String secret = body.string("client_secret");
        // Per address first: random client_ids would each get a fresh per-client bucket.
        String client = ClientAddress.of(req);
        credentialLimiter.acquire(client);
        authLimiter.acquire(clientId.length() > 128 ? clientId.substring(0, 128) : clientId);
        IssuedToken token = apps.authenticate(clientId, secret, client);
        Json.ok(res, Json.object()
                .add("access_token", token.jwt())
                .add("expires_in", token.claims().expiresAt().getEpochSecond() - token.claims().issuedAt().getEpochSecond())
                .add("token_type", "Bearer")
                .add("scopes", Json.strings(Apps.APP_SCOPES))
                .build());
    }

    private static String id(ServerRequest req) {
        return req.path().pathParameters().get("id");
    }

    private static java.util.Optional<Long> boxed(OptionalLong value) {
        return value.isPresent() ? java.util.Optional.of(value.getAsLong()) : java.util.Optional.empty();
    }

    private static jakarta.json.JsonObjectBuilder json(App app) {
        var json = Json.object();
        if (app.senderConstrained()) {
            json.add("sender_constrained", true);   // only when set: AgentWrit's answer is unchanged
        }
        return json
                .add("app_id", app.appId())
                .add("name", app.name())
                .add("client_id", app.clientId())
                .add("scopes", Json.strings(app.scopes().strings()))
                .add("token_ttl", app.tokenTtl())
                .add("status", app.status().wire())
                .add("created_at", Json.time(app.createdAt()))
                .add("updated_at", Json.time(app.updatedAt()))
                .add("deregistered_at", Json.timeOrNull(app.deregisteredAt()));
    }
}
