package dev.mandate.server;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 16's end to end: an agent registers and gets a bound token, delegates to a second agent (bound to
 * the second agent's key), and a resource server written with Nimbus alone (its JOSE library for the token,
 * the broker's JWKS and the proof; none of the broker's code) accepts each token only with its holder's proof.
 * Clients make their proofs with the Nimbus OAuth SDK's proof factory. (The SDK's own RFC 9449 verifier
 * takes only EC and RSA keys, so the resource server checks the Ed25519 proof with the JOSE library.)
 */
class BoundTokensEndToEndTest extends WithBroker {

    private static final String SCOPE = "[\"read:data:*\"]";

    @Test
    void aResourceServerWrittenWithNimbusAcceptsEachBoundTokenOnlyWithItsHoldersProof() throws Exception {
        String issuer = broker.get("/.well-known/oauth-authorization-server", null).json().getString("issuer");
        try (ResourceServer rs = new ResourceServer(issuer, URI.create(broker.url() + "/.well-known/jwks.json"))) {
            // Agent A registers through a launch token that binds; B registers as AgentWrit's clients do.
            String launch = broker.launchToken(admin, SCOPE, "\"sender_constrained\":true");
            KeyPair aKeys = TestBroker.ed25519();
            JsonObject a = broker.post("/v1/register", TestBroker.registration(launch, broker.nonce(), aKeys, "e2e", "a", SCOPE),
                    null).json();
            String aToken = a.getString("access_token");
            TestBroker.Agent b = broker.registerAgent(admin, "e2e", "b", SCOPE);
            DefaultDPoPProofFactory aProofs = new DefaultDPoPProofFactory(jwk(aKeys), JWSAlgorithm.EdDSA);
            DefaultDPoPProofFactory bProofs = new DefaultDPoPProofFactory(jwk(b.keys()), JWSAlgorithm.EdDSA);

            assertEquals(200, rs.get(aToken, aProofs.createDPoPJWT("GET", rs.uri(), new DPoPAccessToken(aToken)).serialize()),
                    "A's token with A's proof");
            assertEquals(401, rs.get(aToken, null), "A's token alone: stolen, it is worth nothing");
            assertEquals(401, rs.get(aToken, bProofs.createDPoPJWT("GET", rs.uri(), new DPoPAccessToken(aToken)).serialize()),
                    "A's token with another agent's proof");
            String once = aProofs.createDPoPJWT("GET", rs.uri(), new DPoPAccessToken(aToken)).serialize();
            assertEquals(200, rs.get(aToken, once));
            assertEquals(401, rs.get(aToken, once), "a proof replayed");

            // A delegates to B, proving its key to the broker; B's token is bound to B's key.
            URI delegate = URI.create(issuer + "/v1/delegate");
            var r = broker.send(HttpRequest.newBuilder(URI.create(broker.url() + "/v1/delegate"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"delegate_to\":\"" + b.agentId() + "\",\"scope\":[\"read:data:x\"]}")),
                    null, Map.of("Authorization", "DPoP " + aToken,
                            "DPoP", aProofs.createDPoPJWT("POST", delegate, new DPoPAccessToken(aToken)).serialize()));
            assertEquals(200, r.status(), r.toString());
            String abToken = r.json().getString("access_token");
            assertEquals(200, rs.get(abToken, bProofs.createDPoPJWT("GET", rs.uri(), new DPoPAccessToken(abToken)).serialize()),
                    "B's delegated token with B's proof");
            assertEquals(401, rs.get(abToken, aProofs.createDPoPJWT("GET", rs.uri(), new DPoPAccessToken(abToken)).serialize()),
                    "B's delegated token with its delegator's proof");
            assertEquals(401, rs.get(abToken, null), "B's delegated token alone");
        }
    }

    /** The agent's key pair as an OKP JWK with its private part, for the proof factory. */
    private static OctetKeyPair jwk(KeyPair keys) {
        byte[] pkcs8 = keys.getPrivate().getEncoded();
        byte[] d = Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
        return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(DpopProofs.raw(keys))).d(Base64URL.encode(d)).build();
    }

    /**
     * A protected resource on loopback: GET /data answers 200 for a token the broker signed (checked with its
     * JWKS) presented under the DPoP scheme with a proof of the key the token's cnf names; 401 for anything else.
     */
    private static final class ResourceServer implements AutoCloseable {
        private final HttpServer server;
        private final DefaultJWTProcessor<SecurityContext> tokens = new DefaultJWTProcessor<>();
        private final java.util.Set<String> spent = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final HttpClient http = HttpClient.newHttpClient();

        ResourceServer(String issuer, URI jwks) throws IOException {
            tokens.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256,
                    JWKSourceBuilder.create(jwks.toURL()).retrying(false).build()));
            tokens.setJWTClaimsSetVerifier((claims, context) -> {
                if (!issuer.equals(claims.getIssuer())) {
                    throw new com.nimbusds.jwt.proc.BadJWTException("another issuer");
                }
            });
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
            server.createContext("/data", this::handle);
            server.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/data");
        }

        int get(String token, String proof) throws Exception {
            var request = HttpRequest.newBuilder(uri()).timeout(Duration.ofSeconds(10)).GET()
                    .header("Authorization", (proof == null ? "Bearer " : "DPoP ") + token);
            if (proof != null) {
                request.header("DPoP", proof);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        }

        private void handle(HttpExchange exchange) throws IOException {
            exchange.sendResponseHeaders(accepts(exchange) ? 200 : 401, -1);
            exchange.close();
        }

        private boolean accepts(HttpExchange exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String proof = exchange.getRequestHeaders().getFirst("DPoP");
            if (authorization == null || !authorization.startsWith("DPoP ") || proof == null) {
                return false;
            }
            String token = authorization.substring(5);
            try {
                JWTClaimsSet claims = tokens.process(token, null);
                if (!(claims.getJSONObjectClaim("cnf") instanceof Map<?, ?> cnf) || !(cnf.get("jkt") instanceof String jkt)) {
                    return false;
                }
                return proves(SignedJWT.parse(proof), token, jkt);
            } catch (Exception e) {
                return false;   // not the broker's, expired, no proof of the bound key, a replay: refused alike
            }
        }

        /**
         * RFC 9449 §4.3, with the JOSE library: a dpop+jwt signed by the public key in its header, that key the
         * one the token's cnf names, for this method and URL, fresh, for this token (ath), presented once.
         */
        private boolean proves(SignedJWT proof, String token, String jkt) throws Exception {
            if (!new com.nimbusds.jose.JOSEObjectType("dpop+jwt").equals(proof.getHeader().getType())
                    || !(proof.getHeader().getJWK() instanceof OctetKeyPair key) || key.isPrivate()
                    || !key.computeThumbprint().toString().equals(jkt)
                    || !proof.verify(new com.nimbusds.jose.crypto.Ed25519Verifier(key))) {
                return false;
            }
            JWTClaimsSet c = proof.getJWTClaimsSet();
            String ath = Base64URL.encode(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(java.nio.charset.StandardCharsets.US_ASCII))).toString();
            long age = Math.abs(System.currentTimeMillis() / 1000 - c.getIssueTime().getTime() / 1000);
            return "GET".equals(c.getStringClaim("htm")) && uri().toString().equals(c.getStringClaim("htu"))
                    && ath.equals(c.getStringClaim("ath")) && age <= 60 && c.getJWTID() != null && spent.add(jkt + " " + c.getJWTID());
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
