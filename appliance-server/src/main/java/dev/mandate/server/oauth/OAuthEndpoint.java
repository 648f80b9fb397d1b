package dev.mandate.server.oauth;

import dev.mandate.server.app.Apps;
import dev.mandate.server.http.ApiRoutes;
import dev.mandate.server.http.ClientAddress;
import dev.mandate.server.http.FormBody;
import dev.mandate.server.http.Json;
import dev.mandate.server.revocation.Revocations;
import dev.mandate.server.revocation.Revoker;
import dev.mandate.server.http.Bearer;
import dev.mandate.server.claims.TokenClaims;
import dev.mandate.server.token.Proofs;
import dev.mandate.server.token.TokenVerifier;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Optional;

/** RFC 7662 introspection, RFC 7009 revocation and RFC 8414 metadata. */
public final class OAuthEndpoint {

    private static final byte[] INACTIVE = Json.bytes(Json.object().add("active", false).build());

    private final TokenVerifier verifier;
    private final Proofs proofs;
    private final Revoker revoker;
    private final Apps apps;
    private final Clients clients;
    private final Bearer bearer;
    private final dev.mandate.server.http.RateLimiter credentialLimiter;
    private final String issuer;

    public OAuthEndpoint(TokenVerifier verifier, Proofs proofs, Revoker revoker, Apps apps, Bearer bearer,
                         dev.mandate.server.http.RateLimiter credentialLimiter, String issuer) {
        this.verifier = verifier;
        this.proofs = proofs;
        this.revoker = revoker;
        this.apps = apps;
        this.clients = new Clients(apps);
        this.bearer = bearer;
        this.credentialLimiter = credentialLimiter;
        this.issuer = issuer;
    }

    public void routing(ApiRoutes routes) {
        routes.post("/v1/introspect", this::introspect)
              .post("/v1/oauth/revoke", this::revoke)
              .get("/.well-known/oauth-authorization-server", this::metadata);
    }

    private void introspect(ServerRequest req, ServerResponse res) {
        client(req);
        FormBody form = FormBody.read(req);
        Optional<String> token = form.field("token");
        // A resource server that names itself (audience) hears "inactive" for a token that is for another (RFC 8707).
        Optional<String> audience = form.field("audience");
        Optional<TokenClaims> claims = token.flatMap(verifier::verify)
                .filter(c -> audience.isEmpty() || dev.mandate.server.token.Audiences.accepts(c, audience.get()));
        if (claims.isEmpty()) {
            res.header(HeaderNames.CONTENT_TYPE, Json.APPLICATION_JSON);
            res.send(INACTIVE);
            return;
        }
        TokenClaims c = claims.get();
        var answer = Json.object();
        if (c.bound()) {
            answer.add("token_type", "DPoP").add("cnf", Json.object().add("jkt", c.cnfJkt()));   // RFC 9449 §6.2
        }
        // A resource server may pass the DPoP proof it received, and that request's method and URL.
        proofs.matches(form.field("dpop_proof"), form.field("htm"), form.field("htu"), token.get(), c)
                .ifPresent(matches -> answer.add("proof_matches", matches));
        if (!c.audience().isEmpty()) {
            answer.add("aud", Json.strings(c.audience()));
        }
        Json.ok(res, answer
                .add("active", true)
                .add("scope", String.join(" ", c.scope().strings()))
                .add("sub", c.subject())
                .add("exp", c.expiresAt().getEpochSecond())
                .add("iat", c.issuedAt().getEpochSecond())
                .add("jti", c.jti())
                .add("iss", c.issuer())
                .add("task_id", c.taskId())
                .add("orch_id", c.orchId())
                .add("delegation_depth", c.depth())
                .add("client_id", clientId(c))
                .build());
    }

    /** RFC 7009 §2.2: 200 whether or not there was anything to revoke. */
    private void revoke(ServerRequest req, ServerResponse res) {
        Clients.Client client = client(req);
        Optional<TokenClaims> claims = FormBody.read(req).field("token").flatMap(verifier::authentic);
        claims.filter(c -> client.admin() || ownedBy(c, client.appId()))
              .ifPresent(c -> revoker.revoke(Revocations.Level.TOKEN, c.jti()));
        res.status(200).send();
    }

    private void metadata(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CACHE_CONTROL, "public, max-age=60");
        Json.ok(res, Json.object()
                .add("issuer", issuer)
                .add("jwks_uri", issuer + "/.well-known/jwks.json")
                .add("token_endpoint", issuer + dev.mandate.server.http.Problems.OAUTH_TOKEN_PATH)
                .add("grant_types_supported", Json.strings(java.util.List.of(
                        "urn:ietf:params:oauth:grant-type:token-exchange")))
                .add("introspection_endpoint", issuer + "/v1/introspect")
                .add("revocation_endpoint", issuer + "/v1/oauth/revoke")
                .add("introspection_endpoint_auth_methods_supported", Json.strings(java.util.List.of("client_secret_basic", "bearer")))
                .add("revocation_endpoint_auth_methods_supported", Json.strings(java.util.List.of("client_secret_basic", "bearer")))
                .add("token_signing_alg_values_supported", Json.strings(java.util.List.of("ES256")))
                .add("dpop_signing_alg_values_supported", Json.strings(java.util.List.of("EdDSA", "Ed25519")))
                // Not an IANA-registered name: says that 'resource' (RFC 8707) is honoured at registration,
                // delegation and token exchange.
                .add("resource_indicators_supported", true)
                .add("response_types_supported", Json.array())
                .add("scopes_supported", Json.array())
                .build());
    }

    /** An app may revoke its own tokens and those of the agents it launched (and their delegates). */
    private boolean ownedBy(TokenClaims c, String appId) {
        return switch (c.kind()) {
            case ADMIN -> false;
            case APP -> c.appId().equals(appId);
            case AGENT -> apps.appOfAgent(c.rootAgent()).map(a -> a.appId().equals(appId)).orElse(false);
        };
    }

    private String clientId(TokenClaims c) {
        var app = switch (c.kind()) {
            case ADMIN -> Optional.<dev.mandate.server.app.App>empty();
            case APP -> apps.find(c.appId());
            case AGENT -> apps.appOfAgent(c.rootAgent());
        };
        return app.map(dev.mandate.server.app.App::clientId).orElse("");
    }

    /** Who calls: HTTP Basic client credentials (RFC 6749 §2.3.1), or an admin or app bearer token. */
    private Clients.Client client(ServerRequest req) {
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            String address = ClientAddress.of(req);
            return clients.basic(header.substring(6).strip(), address, () -> credentialLimiter.acquire(address));
        }
        return Clients.of(bearer.require(req));
    }
}
