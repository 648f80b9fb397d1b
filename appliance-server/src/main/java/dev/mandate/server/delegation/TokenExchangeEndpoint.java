package dev.mandate.server.delegation;

import dev.mandate.server.claims.TokenClaims;
import dev.mandate.server.error.Refusal;
import dev.mandate.server.http.ApiRoutes;
import dev.mandate.server.http.Bearer;
import dev.mandate.server.http.FormBody;
import dev.mandate.server.http.Json;
import dev.mandate.server.http.Problems;
import dev.mandate.server.scope.Scopes;
import dev.mandate.server.token.IssuedToken;
import dev.mandate.server.token.TokenVerifier;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * OAuth 2.0 Token Exchange (RFC 8693) at {@code POST /v1/oauth/token}: an agent exchanges its token
 * ({@code subject_token}) for a narrower one for another registered agent ({@code audience}, which becomes
 * {@code sub}), under exactly the rules of {@code /v1/delegate}: the scope within the subject token's, the
 * depth limit, no later expiry than the subject token's, bound to the delegate's key when the subject
 * token is bound or the delegate must be. The token carries {@code act}, the chain of actors. A bound
 * subject token comes with a DPoP proof of its key for this request, whose {@code ath} is the hash of the
 * subject token.
 */
public record TokenExchangeEndpoint(Delegations delegations, TokenVerifier verifier, Bearer bearer) {

    public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
    public static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";
    private static final List<String> SUBJECT_TOKEN_TYPES = List.of(ACCESS_TOKEN, "urn:ietf:params:oauth:token-type:jwt");

    public void routing(ApiRoutes routes) {
        routes.post(Problems.OAUTH_TOKEN_PATH, this::exchange);
    }

    private void exchange(ServerRequest req, ServerResponse res) {
        FormBody form = FormBody.read(req);
        String grant = required(form, "grant_type");
        if (!GRANT_TYPE.equals(grant)) {
            throw Refusal.unsupportedGrantType("this token endpoint serves only " + GRANT_TYPE);
        }
        String subjectToken = required(form, "subject_token");
        if (!SUBJECT_TOKEN_TYPES.contains(required(form, "subject_token_type"))) {
            throw Refusal.badRequest("'subject_token_type' must be " + ACCESS_TOKEN);
        }
        if (form.field("actor_token").isPresent()) {
            throw Refusal.badRequest("'actor_token' is not supported: the subject token's holder is the actor");
        }
        form.field("requested_token_type").filter(t -> !SUBJECT_TOKEN_TYPES.contains(t)).ifPresent(t -> {
            throw Refusal.badRequest("'requested_token_type' must be " + ACCESS_TOKEN);
        });
        String audience = required(form, "audience");
        // RFC 8693 §2.2.2: an invalid or unacceptable subject token is invalid_request (400), audited as at Bearer routes.
        Optional<TokenClaims> verified = verifier.verify(subjectToken);
        if (verified.isEmpty()) {
            bearer.refused(req, "token_auth_failed", "subject_token", null);
            throw Refusal.badRequest("'subject_token' is invalid or expired");
        }
        TokenClaims subject = verified.get();
        if (subject.bound() && !bearer.proves(req, subjectToken, subject)) {
            throw Refusal.badRequest("a bound 'subject_token' needs one DPoP proof of its key for this request");
        }
        if (form.has("scope") && form.field("scope").filter(s -> !s.isBlank()).isEmpty()) {
            throw Refusal.badRequest("'scope' must not be empty; leave it out for the subject token's scope");
        }
        Scopes scope = form.field("scope").map(s -> Scopes.parse(Arrays.asList(s.strip().split(" +")), "scope"))
                .orElse(subject.scope());
        // One resource server per token (a repeated 'resource', as any repeated field, is refused by the form).
        IssuedToken token = delegations.delegate(subject, audience, scope, Delegations.DEFAULT_TTL, form.field("resource"));
        TokenClaims c = token.claims();
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        Json.ok(res, Json.object()
                .add("access_token", token.jwt())
                .add("issued_token_type", ACCESS_TOKEN)
                .add("token_type", c.bound() ? "DPoP" : "Bearer")
                .add("expires_in", c.expiresAt().getEpochSecond() - c.issuedAt().getEpochSecond())
                .add("scope", String.join(" ", c.scope().strings()))
                .build());
    }

    private static String required(FormBody form, String name) {
        Optional<String> value = form.field(name).filter(v -> !v.isBlank());
        return value.orElseThrow(() -> Refusal.badRequest("'" + name + "' is required"));
    }
}
