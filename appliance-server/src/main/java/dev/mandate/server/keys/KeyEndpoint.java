package dev.mandate.server.keys;

import com.nimbusds.jose.jwk.ECKey;
import dev.mandate.server.http.ApiRoutes;
import dev.mandate.server.http.Json;
import dev.mandate.server.http.JsonBody;
import dev.mandate.server.scope.Scope;
import dev.mandate.server.http.Bearer;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Comparator;

/** The JWKS (RFC 7517): every public key that may still verify a live token. */
public record KeyEndpoint(KeyRing ring, KeyLifecycle lifecycle, Bearer bearer) {

    private static final Scope MANAGE = Scope.parse("admin:keys:*");

    public void routing(ApiRoutes routes) {
        routes.get("/.well-known/jwks.json", this::jwks)
              .get("/v1/jwks", this::jwks)
              .get("/v1/admin/keys", this::list)
              .post("/v1/admin/keys/rotate", this::rotate)
              .post("/v1/admin/keys/{kid}/revoke", this::revoke);
    }

    private void list(ServerRequest req, ServerResponse res) {
        bearer.require(req, MANAGE);
        var keys = Json.array();
        // A retired or revoked key's tokens are dead already: no walk over what it signed.
        lifecycle.list().forEach(k -> keys.add(json(k).add("live_tokens",
                k.state().verifies() ? lifecycle.liveTokensSignedBy(k.kid()) : 0)));
        Json.ok(res, Json.object().add("keys", keys).build());
    }

    private void rotate(ServerRequest req, ServerResponse res) {
        bearer.require(req, MANAGE);
        boolean immediate = req.content().hasEntity() && JsonBody.read(req).optionalBoolean("immediate").orElse(false);
        KeyRecord key = lifecycle.rotate(immediate);
        Json.send(res, 202, Json.object()
                .add("kid", key.kid())
                .add("state", key.state().wire())
                .add("activates_at", Json.time(key.activatesAt()))
                .build());
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        bearer.require(req, MANAGE);
        String kid = req.path().pathParameters().get("kid");
        int count = lifecycle.revoke(kid);
        Json.ok(res, Json.object().add("kid", kid).add("state", KeyState.REVOKED.wire()).add("count", count).build());
    }

    private void jwks(ServerRequest req, ServerResponse res) {
        var keys = Json.array();
        ring.publicKeys().values().stream().sorted(Comparator.comparing(ECKey::getKeyID))
                .forEach(k -> keys.add(Json.parse(k.toPublicJWK().toJSONString())));
        res.header(HeaderNames.CACHE_CONTROL, "public, max-age=60");
        Json.ok(res, Json.object().add("keys", keys).build());
    }

    private static jakarta.json.JsonObjectBuilder json(KeyRecord k) {
        return Json.object()
                .add("kid", k.kid())
                .add("alg", k.alg())
                .add("state", k.state().wire())
                .add("label", k.label())
                .add("created_at", Json.time(k.createdAt()))
                .add("activated_at", Json.timeOrNull(k.activatedAt()))
                .add("retired_at", Json.timeOrNull(k.retiredAt()));
    }
}
