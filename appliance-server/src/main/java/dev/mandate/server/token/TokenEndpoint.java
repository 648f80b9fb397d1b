package dev.mandate.server.token;

import dev.mandate.server.http.Bearer;
import dev.mandate.server.claims.ChainLink;
import dev.mandate.server.claims.TokenClaims;
import dev.mandate.server.http.ApiRoutes;
import dev.mandate.server.http.Json;
import dev.mandate.server.http.JsonBody;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/** {@code /v1/token/validate}, {@code /v1/token/renew}, {@code /v1/token/release}. */
public record TokenEndpoint(TokenVerifier verifier, Tokens tokens, Bearer bearer, Proofs proofs) {

    private static final byte[] INVALID = Json.bytes(Json.object()
            .add("valid", false).add("error", "token is invalid or expired").build());
    private static final byte[] NOT_FOR_AUDIENCE = Json.bytes(Json.object()
            .add("valid", false).add("error", "token is not for this audience").build());

    public void routing(ApiRoutes routes) {
        routes.post("/v1/token/validate", this::validate)
              .post("/v1/token/renew", this::renew)
              .post("/v1/token/release", this::release);
    }

    /**
     * Whether a token is valid. A resource server that received a bound token may pass the DPoP proof that
     * came with it ({@code dpop_proof}) and that request's method and URL ({@code htm}, {@code htu}): the
     * answer then says whether the proof matches ({@code proof_matches}), and the proof is spent. One that
     * names itself ({@code audience}) gets {@code valid: false} for a token that is for another (RFC 8707).
     */
    private void validate(ServerRequest req, ServerResponse res) {
        JsonBody body = JsonBody.read(req);
        String token = body.string("token");
        var claims = verifier.verify(token);
        if (claims.isEmpty()) {
            res.header(io.helidon.http.HeaderNames.CONTENT_TYPE, Json.APPLICATION_JSON);
            res.send(INVALID);
            return;
        }
        if (body.optionalString("audience").filter(a -> !Audiences.accepts(claims.get(), a)).isPresent()) {
            res.header(io.helidon.http.HeaderNames.CONTENT_TYPE, Json.APPLICATION_JSON);
            res.send(NOT_FOR_AUDIENCE);
            return;
        }
        var answer = Json.object().add("valid", true).add("claims", claims(claims.get()));
        proofs.matches(body.optionalString("dpop_proof"), body.optionalString("htm"), body.optionalString("htu"), token,
                claims.get()).ifPresent(matches -> answer.add("proof_matches", matches));
        Json.ok(res, answer.build());
    }

    private void renew(ServerRequest req, ServerResponse res) {
        TokenClaims caller = bearer.require(req);
        IssuedToken renewed = tokens.renew(caller);
        Json.ok(res, Json.object()
                .add("access_token", renewed.jwt())
                .add("expires_in", renewed.claims().expiresAt().getEpochSecond() - renewed.claims().issuedAt().getEpochSecond())
                .build());
    }

    private void release(ServerRequest req, ServerResponse res) {
        tokens.release(bearer.require(req));
        res.status(Status.NO_CONTENT_204).send();
    }

    /**
     * The claims as validate shows them: every documented field present, empty where not applicable; and
     * {@code cnf} for a token bound to its holder's key (RFC 9449), only then.
     */
    public static JsonObject claims(TokenClaims c) {
        JsonObjectBuilder chain = Json.object();
        var links = Json.array();
        for (ChainLink link : c.chain()) {
            links.add(Json.object().add("agent", link.agent()).add("jti", link.jti())
                    .add("scope", Json.strings(link.scope())).add("delegated_at", link.delegatedAt()));
        }
        chain
                .add("iss", c.issuer())
                .add("sub", c.subject())
                .add("aud", Json.strings(c.audience()))
                .add("exp", c.expiresAt().getEpochSecond())
                .add("nbf", c.notBefore().getEpochSecond())
                .add("iat", c.issuedAt().getEpochSecond())
                .add("jti", c.jti())
                .add("scope", Json.strings(c.scope().strings()))
                .add("task_id", c.taskId())
                .add("orch_id", c.orchId())
                .add("delegation_chain", links)
                .add("chain_hash", c.chainHash());
        if (c.bound()) {
            chain.add("cnf", Json.object().add("jkt", c.cnfJkt()));
        }
        return chain.build();
    }
}
