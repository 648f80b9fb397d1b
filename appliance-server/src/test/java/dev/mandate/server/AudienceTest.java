package dev.mandate.server;

import com.nimbusds.jwt.SignedJWT;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;

import static dev.mandate.server.Problem.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Audience restriction (RFC 8707) against the real broker: a token asked for one resource server carries it
 * alone as {@code aud}, keeps it through renewal and delegation, and resource servers that name themselves
 * to validate or introspection hear that a token for another is not for them.
 */
class AudienceTest extends WithBroker {

    private static final String SCOPE = "[\"read:data:*\"]";
    private static final String FILES = "https://files.example/api";
    private static final String MAIL = "https://mail.example/";

    /** Registers an agent whose token is for {@code resource}. */
    private static JsonObject registerFor(String task, String resource) {
        String launch = broker.launchToken(admin, SCOPE, "");
        KeyPair keys = TestBroker.ed25519();
        String body = TestBroker.registration(launch, broker.nonce(), keys, "aud", task, SCOPE);
        body = body.substring(0, body.length() - 1) + ",\"resource\":" + Json.createValue(resource) + "}";
        var r = broker.post("/v1/register", body, null);
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    @Test
    void aTokenAskedForOneResourceServerIsForItAloneAndStaysSoThroughRenewalAndDelegation() throws Exception {
        JsonObject a = registerFor("files", FILES);
        String token = a.getString("access_token");
        assertEquals(List.of(FILES), aud(token));
        TestBroker.Agent plain = broker.registerAgent(admin, "aud", "plain", SCOPE);
        assertEquals(List.of(), aud(plain.token()), "asked for no one: the broker's configured audience (none here)");

        String renewed = broker.post("/v1/token/renew", null, token).json().getString("access_token");
        assertEquals(List.of(FILES), aud(renewed), "renewal keeps it");

        TestBroker.Agent b = broker.registerAgent(admin, "aud", "delegate", SCOPE);
        var same = broker.post("/v1/delegate", "{\"delegate_to\":\"" + b.agentId() + "\",\"scope\":[\"read:data:x\"]}", renewed);
        assertEquals(List.of(FILES), aud(same.json().getString("access_token")), "a delegated token is for the same server");
        assertProblem(broker.post("/v1/delegate", "{\"delegate_to\":\"" + b.agentId() + "\",\"scope\":[\"read:data:x\"],"
                + "\"resource\":\"" + MAIL + "\"}", renewed), 400, "invalid_target", "/v1/delegate");
        var narrowed = broker.post("/v1/delegate", "{\"delegate_to\":\"" + b.agentId() + "\",\"scope\":[\"read:data:x\"],"
                + "\"resource\":\"" + MAIL + "\"}", plain.token());
        assertEquals(List.of(MAIL), aud(narrowed.json().getString("access_token")), "an unrestricted delegator may name one");

        // Token exchange: the same rule, read as RFC 8707's error by an OAuth client.
        var exchanged = exchange(renewed, b.agentId(), MAIL);
        assertEquals(400, exchanged.status());
        assertEquals("invalid_target", exchanged.json().getString("error"));
        var forMail = exchange(plain.token(), b.agentId(), MAIL);
        assertEquals(200, forMail.status(), forMail.toString());
        assertEquals(List.of(MAIL), aud(forMail.json().getString("access_token")));
    }

    @Test
    void resourceServersThatNameThemselvesHearWhetherATokenIsForThem() {
        String token = registerFor("rs", FILES).getString("access_token");
        assertTrue(validate(token, FILES).getBoolean("valid"));
        JsonObject other = validate(token, MAIL);
        assertFalse(other.getBoolean("valid"));
        assertEquals("token is not for this audience", other.getString("error"));
        assertTrue(introspect(token, FILES).getBoolean("active"));
        assertEquals(List.of(FILES), introspect(token, FILES).getJsonArray("aud").getValuesAs(jakarta.json.JsonString::getString));
        assertFalse(introspect(token, MAIL).getBoolean("active"));
        TestBroker.Agent plain = broker.registerAgent(admin, "aud", "rs-plain", SCOPE);
        assertTrue(validate(plain.token(), MAIL).getBoolean("valid"), "a token without aud is for no one in particular");
        assertTrue(broker.get("/.well-known/oauth-authorization-server", null).json().getBoolean("resource_indicators_supported"));
    }

    @Test
    void aResourceIndicatorMustBeAnAbsoluteUriWithoutAFragment() {
        for (String bad : List.of("files", "/api", "https://files.example/#x", "https://files .example/", "x".repeat(3000),
                "https://files.example/\u202e", "https://fi\u200bles.example/")) {
            String launch = broker.launchToken(admin, SCOPE, "");
            String body = TestBroker.registration(launch, broker.nonce(), TestBroker.ed25519(), "aud", "bad", SCOPE);
            body = body.substring(0, body.length() - 1) + ",\"resource\":" + Json.createValue(bad) + "}";
            assertProblem(broker.post("/v1/register", body, null), 400, "invalid_target", "/v1/register");
        }
    }

    private static List<String> aud(String token) throws java.text.ParseException {
        List<String> aud = SignedJWT.parse(token).getJWTClaimsSet().getAudience();
        return aud == null ? List.of() : aud;
    }

    private static JsonObject validate(String token, String audience) {
        var r = broker.post("/v1/token/validate", Json.createObjectBuilder().add("token", token).add("audience", audience)
                .build().toString(), null);
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    private static JsonObject introspect(String token, String audience) {
        var r = broker.send(HttpRequest.newBuilder(URI.create(broker.url() + "/v1/introspect"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + token + "&audience=" + enc(audience))), admin, Map.of());
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    private static TestBroker.Response exchange(String subjectToken, String audience, String resource) {
        return broker.send(HttpRequest.newBuilder(URI.create(broker.url() + "/v1/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=" + enc("urn:ietf:params:oauth:grant-type:token-exchange")
                        + "&subject_token=" + subjectToken + "&subject_token_type="
                        + enc("urn:ietf:params:oauth:token-type:access_token") + "&audience=" + enc(audience)
                        + "&resource=" + enc(resource))), null, Map.of());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
