package dev.mandate.server.agent;

import dev.mandate.server.app.Apps;
import dev.mandate.server.http.ApiRoutes;
import dev.mandate.server.http.ClientAddress;
import dev.mandate.server.http.Json;
import dev.mandate.server.http.JsonBody;
import dev.mandate.server.http.RateLimiter;
import dev.mandate.server.scope.Scope;
import dev.mandate.server.scope.Scopes;
import dev.mandate.server.http.Bearer;
import dev.mandate.server.claims.TokenClaims;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Optional;
import java.util.OptionalLong;

/** {@code /v1/challenge}, {@code /v1/register}, {@code /v1/admin/launch-tokens}, {@code /v1/app/launch-tokens}. */
public record AgentEndpoint(Nonces nonces, Registration registration, LaunchTokens launchTokens, Apps apps, Bearer bearer, RateLimiter challengeLimiter, RateLimiter registerLimiter) {

    private static final Scope ADMIN_LAUNCH = Scope.parse("admin:launch-tokens:*");
    private static final Scope APP_LAUNCH = Scope.parse("app:launch-tokens:*");

    public void routing(ApiRoutes routes) {
        routes.get("/v1/challenge", this::challenge)
              .post("/v1/register", this::register)
              .post("/v1/admin/launch-tokens", this::adminLaunchToken)
              .post("/v1/app/launch-tokens", this::appLaunchToken);
    }

    private void challenge(ServerRequest req, ServerResponse res) {
        challengeLimiter.acquire(ClientAddress.of(req));
        Json.ok(res, Json.object().add("nonce", nonces.issue()).add("expires_in", Nonces.LIFETIME_SECONDS).build());
    }

    private void register(ServerRequest req, ServerResponse res) {
        registerLimiter.acquire(ClientAddress.of(req));
        JsonBody body = JsonBody.read(req);
        var request = new Registration.Request(body.string("launch_token"), body.string("nonce"),
                body.string("public_key"), body.string("signature"), body.string("orch_id"), body.string("task_id"),
                body.stringList("requested_scope"), body.optionalString("resource"));
        Registration.Registered registered = registration.register(request);
        TokenClaims c = registered.token().claims();
        Json.ok(res, Json.object()
                .add("agent_id", registered.agentId())
                .add("access_token", registered.token().jwt())
                .add("expires_in", c.expiresAt().getEpochSecond() - c.issuedAt().getEpochSecond())
                .build());
    }

    private void adminLaunchToken(ServerRequest req, ServerResponse res) {
        TokenClaims caller = bearer.require(req, ADMIN_LAUNCH);
        created(res, launchTokens.create(caller, null, Optional.empty(), request(req)));
    }

    private void appLaunchToken(ServerRequest req, ServerResponse res) {
        TokenClaims caller = bearer.require(req, APP_LAUNCH);
        String appId = caller.appId();
        LaunchTokens.Request request = request(req);
        created(res, launchTokens.create(caller, appId, Optional.of(apps.ceiling(appId)), request));
    }

    private static LaunchTokens.Request request(ServerRequest req) {
        JsonBody body = JsonBody.read(req);
        String agentName = body.string("agent_name");
        Scopes allowed = Scopes.parse(body.stringList("allowed_scope"), "allowed_scope");
        return new LaunchTokens.Request(agentName, allowed, boxed(body.optionalLong("max_ttl")),
                body.optionalBoolean("single_use"), boxed(body.optionalLong("ttl")),
                body.optionalBoolean("sender_constrained").orElse(false));
    }

    private static void created(ServerResponse res, LaunchTokens.Created created) {
        var policy = Json.object()
                .add("allowed_scope", Json.strings(created.allowedScope().strings()))
                .add("max_ttl", created.maxTtl());
        if (created.senderConstrained()) {
            policy.add("sender_constrained", true);   // only when asked: AgentWrit's answer is unchanged
        }
        Json.send(res, 201, Json.object()
                .add("launch_token", created.launchToken())
                .add("expires_at", Json.time(created.expiresAt()))
                .add("policy", policy)
                .build());
    }

    private static Optional<Long> boxed(OptionalLong value) {
        return value.isPresent() ? Optional.of(value.getAsLong()) : Optional.empty();
    }
}
