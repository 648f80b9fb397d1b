package dev.mandate.server.keys;

import com.nimbusds.jose.jwk.ECKey;
import dev.mandate.server.http.ApiRoutes;
import dev.mandate.server.http.Json;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Comparator;

/** The JWKS (RFC 7517): every public key that may still verify a live token. */
public final class KeyEndpoint {

    private final KeyRing ring;

    public KeyEndpoint(KeyRing ring) {
        this.ring = ring;
    }

    public void routing(ApiRoutes routes) {
        routes.get("/.well-known/jwks.json", this::jwks)
              .get("/v1/jwks", this::jwks);
    }

    private void jwks(ServerRequest req, ServerResponse res) {
        var keys = Json.array();
        ring.publicKeys().values().stream().sorted(Comparator.comparing(ECKey::getKeyID))
                .forEach(k -> keys.add(Json.parse(k.toPublicJWK().toJSONString())));
        res.header(HeaderNames.CACHE_CONTROL, "public, max-age=60");
        Json.ok(res, Json.object().add("keys", keys).build());
    }
}
