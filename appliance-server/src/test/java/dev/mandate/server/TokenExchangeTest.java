package dev.mandate.server;

import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.TokenTypeURI;
import com.nimbusds.oauth2.sdk.tokenexchange.TokenExchangeGrant;
import dev.mandate.server.token.Dpop;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OAuth 2.0 Token Exchange (RFC 8693) at {@code POST /v1/oauth/token} against the real broker: driven by a
 * maintained OAuth client library where it can be, by hand for the refusals; the rules are /v1/delegate's.
 */
class TokenExchangeTest extends WithBroker {

    private static final String SCOPE = "[\"read:data:*\"]";

    @Test
    void anOAuthLibraryExchangesAnAgentsTokenForANarrowerOneForAnotherAgent() throws Exception {
        TestBroker.Agent a = broker.registerAgent(admin, "exchange", "library-a", SCOPE);
        TestBroker.Agent b = broker.registerAgent(admin, "exchange", "library-b", SCOPE);
        AuthorizationServerMetadata metadata = AuthorizationServerMetadata.parse(
                broker.get("/.well-known/oauth-authorization-server", null).body());
        assertTrue(metadata.getGrantTypes().contains(GrantType.TOKEN_EXCHANGE), "RFC 8414 metadata lists the grant");
        // The library sends to the token endpoint the metadata names; its host is the issuer's, so the test
        // sends to the broker's own address, with the endpoint's path.
        URI endpoint = URI.create(broker.url() + metadata.getTokenEndpointURI().getPath());

        TokenRequest request = new TokenRequest.Builder(endpoint, new TokenExchangeGrant(new BearerAccessToken(a.token()),
                TokenTypeURI.ACCESS_TOKEN, null, null, TokenTypeURI.ACCESS_TOKEN, List.of(new Audience(b.agentId()))))
                .scope(new Scope("read:data:x")).build();
        TokenResponse response = TokenResponse.parse(request.toHTTPRequest().send());
        assertTrue(response.indicatesSuccess(), () -> response.toErrorResponse().getErrorObject().toJSONObject().toString());
        AccessTokenResponse ok = response.toSuccessResponse();
        assertEquals(TokenTypeURI.ACCESS_TOKEN, ok.getTokens().getAccessToken().getIssuedTokenType());
        assertEquals(new Scope("read:data:x"), ok.getTokens().getAccessToken().getScope());
        String ab = ok.getTokens().getAccessToken().getValue();

        var claims = SignedJWT.parse(ab).getJWTClaimsSet();
        assertEquals(b.agentId(), claims.getSubject(), "the audience becomes the subject");
        assertEquals(Map.of("sub", a.agentId()), claims.getJSONObjectClaim("act"), "the actor: the agent that exchanged");
        assertEquals(List.of("read:data:x"), claims.getStringListClaim("scope"));
        assertTrue(broker.valid(ab));
        assertFalse(claims.getExpirationTime().toInstant().isAfter(SignedJWT.parse(a.token()).getJWTClaimsSet()
                .getExpirationTime().toInstant()), "no later than the subject token");

        // B exchanges on to C: the actors nest, the latest outermost (RFC 8693 §4.1).
        TestBroker.Agent c = broker.registerAgent(admin, "exchange", "library-c", SCOPE);
        JsonObject bc = exchange(ab, c.agentId(), null).json();
        assertEquals(Map.of("sub", b.agentId(), "act", Map.of("sub", a.agentId())),
                SignedJWT.parse(bc.getString("access_token")).getJWTClaimsSet().getJSONObjectClaim("act"));
        assertEquals("read:data:x", bc.getString("scope"), "no scope asked: the subject token's");

        // The same tree as /v1/delegate's: revoking A's token at chain level takes both exchanged tokens.
        assertEquals(200, broker.revoke(admin, "chain", a.agentId()).status());
        assertFalse(broker.valid(ab));
        assertFalse(broker.valid(bc.getString("access_token")));
    }

    @Test
    void theLibraryReadsEveryRefusalAsAnOAuthError() throws Exception {
        TestBroker.Agent a = broker.registerAgent(admin, "exchange", "refused-a", "[\"read:data:x\"]");
        TestBroker.Agent b = broker.registerAgent(admin, "exchange", "refused-b", SCOPE);
        assertEquals("invalid_scope", error(exchange(a.token(), b.agentId(), "read:data:*")), "wider than the subject's scope");
        assertEquals("invalid_target", error(exchange(a.token(), "spiffe://mandate.test/agent/none/none/0", null)), "no such agent");
        assertEquals("invalid_request", error(exchange(a.token() + "x", b.agentId(), null)), "a forged subject token (RFC 8693 §2.2.2)");
        assertEquals(400, exchange(a.token() + "x", b.agentId(), null).status());
        assertEquals("invalid_request", error(exchange(admin, b.agentId(), null)), "an operator's token delegates nothing");
        assertEquals("invalid_request", error(post(form(a.token(), b.agentId(), null) + "&scope=")),
                "an empty scope is not the whole scope");
        assertEquals("unsupported_grant_type", error(post("grant_type=client_credentials")));
        assertEquals("invalid_request", error(post("grant_type=" + enc(TokenExchangeGrant.GRANT_TYPE.getValue())
                + "&subject_token=" + a.token() + "&audience=" + enc(b.agentId()))), "no subject_token_type");
        assertEquals("invalid_request", error(post(form(a.token(), b.agentId(), null) + "&actor_token=x")), "actor tokens");
        assertEquals("invalid_request", error(post("grant_type=" + enc(TokenExchangeGrant.GRANT_TYPE.getValue())
                + "&subject_token=" + a.token() + "&subject_token_type=" + enc("urn:ietf:params:oauth:token-type:saml2")
                + "&audience=" + enc(b.agentId()))), "a SAML subject token");
        assertTrue(broker.valid(a.token()), "nothing was spent");
    }

    @Test
    void theDepthLimitIsDelegations() {
        TestBroker.Agent holder = broker.registerAgent(admin, "exchange", "deep-0", SCOPE);
        String token = holder.token();
        int hops = 0;
        TestBroker.Response r;
        do {
            TestBroker.Agent next = broker.registerAgent(admin, "exchange", "deep-" + (hops + 1), SCOPE);
            r = exchange(token, next.agentId(), null);
            if (r.status() == 200) {
                token = r.json().getString("access_token");
                hops++;
            }
        } while (r.status() == 200 && hops < 20);
        assertEquals("invalid_scope", error(r), "refused as /v1/delegate refuses: " + r);
        TestBroker.Agent last = broker.registerAgent(admin, "exchange", "deep-last", SCOPE);
        assertEquals(403, broker.delegate(token, last.agentId(), SCOPE, 60L).status(), "the same limit at /v1/delegate");
        assertTrue(hops >= 1 && hops < 20, "a limit was reached: " + hops);
    }

    @Test
    void aBoundSubjectTokenNeedsItsHoldersProofAndTheExchangedTokenIsBoundToTheDelegatesKey() throws Exception {
        String launch = broker.launchToken(admin, SCOPE, "\"sender_constrained\":true");
        var keys = TestBroker.ed25519();
        var registered = broker.post("/v1/register", TestBroker.registration(launch, broker.nonce(), keys, "exchange", "bound-a",
                SCOPE), null).json();
        String bound = registered.getString("access_token");
        TestBroker.Agent b = broker.registerAgent(admin, "exchange", "bound-b", SCOPE);
        broker.clock.advance(java.time.Duration.ofSeconds(1));   // a second of its own for the audit's budget
        assertEquals("invalid_request", error(exchange(bound, b.agentId(), null)), "a stolen bound token, no proof");
        String jti = SignedJWT.parse(bound).getJWTClaimsSet().getJWTID();
        assertTrue(broker.get("/v1/audit/events?event_type=dpop_proof_refused", admin).json().getJsonArray("events").stream()
                .anyMatch(e -> e.asJsonObject().getString("detail").contains(jti)), "audited as a likely stolen token");
        String issuer = broker.get("/.well-known/oauth-authorization-server", null).json().getString("issuer");
        String proof = DpopProofs.proof(keys, "POST", issuer + "/v1/oauth/token", bound, broker.clock.instant());
        var r = broker.send(HttpRequest.newBuilder(URI.create(broker.url() + "/v1/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(bound, b.agentId(), null))), null, Map.of("DPoP", proof));
        assertEquals(200, r.status(), r.toString());
        assertEquals("DPoP", r.json().getString("token_type"));
        assertEquals(Map.of("jkt", Dpop.thumbprint(DpopProofs.raw(b.keys()))),
                SignedJWT.parse(r.json().getString("access_token")).getJWTClaimsSet().getJSONObjectClaim("cnf"));
    }

    private static TestBroker.Response exchange(String subjectToken, String audience, String scope) {
        return post(form(subjectToken, audience, scope));
    }

    private static String form(String subjectToken, String audience, String scope) {
        return "grant_type=" + enc(TokenExchangeGrant.GRANT_TYPE.getValue()) + "&subject_token=" + enc(subjectToken)
                + "&subject_token_type=" + enc(TokenTypeURI.ACCESS_TOKEN.getURI().toString()) + "&audience=" + enc(audience)
                + (scope == null ? "" : "&scope=" + enc(scope));
    }

    private static TestBroker.Response post(String form) {
        return broker.send(HttpRequest.newBuilder(URI.create(broker.url() + "/v1/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)), null, Map.of());
    }

    /** The RFC 6749 error code as the OAuth library reads it from the answer. */
    private static String error(TestBroker.Response r) {
        assertTrue(r.status() >= 400 && r.status() < 500, r.toString());
        try {
            var http = new com.nimbusds.oauth2.sdk.http.HTTPResponse(r.status());
            http.setContentType(r.header("Content-Type"));
            http.setBody(r.body());
            return TokenErrorResponse.parse(http).getErrorObject().getCode();
        } catch (com.nimbusds.oauth2.sdk.ParseException e) {
            throw new AssertionError("not an OAuth error: " + r, e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
