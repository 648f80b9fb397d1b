package dev.mandate.server;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import jakarta.json.JsonObject;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A resource server's offline check, built only from the JWKS and the revocation feed: what an
 * operator can run next to a service that must not call the broker per request.
 */
final class OfflineValidator {

    private final JWKSet jwks;
    private final Map<String, Set<String>> entries = Map.of("token", new HashSet<>(), "superseded", new HashSet<>(),
            "agent", new HashSet<>(), "task", new HashSet<>(), "chain", new HashSet<>());
    private final String issuer;
    long next;

    OfflineValidator(TestBroker broker, String appOrAdminToken) throws Exception {
        this.jwks = JWKSet.parse(broker.get("/.well-known/jwks.json", null).body());
        this.issuer = "http://mandate.test";
        poll(broker, appOrAdminToken);
    }

    /** Reads the feed from where it left off, page by page. */
    void poll(TestBroker broker, String token) {
        while (true) {
            JsonObject page = broker.get("/v1/revocations?since=" + next + "&limit=2", token).json();
            var list = page.getJsonArray("entries");
            for (var v : list) {
                JsonObject e = v.asJsonObject();
                if (Instant.parse(e.getString("expires_at")).isAfter(broker.clock.instant())) {
                    entries.get(e.getString("level")).add(e.getString("target"));
                }
            }
            long last = page.getJsonNumber("next").longValue();
            if (list.isEmpty() || last == next) {
                return;
            }
            next = last;
        }
    }

    boolean valid(String token, Instant now) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
                return false;
            }
            ECKey key = (ECKey) jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
            if (key == null || !jwt.verify(new ECDSAVerifier(key))) {
                return false;
            }
            JWTClaimsSet c = jwt.getJWTClaimsSet();
            if (!issuer.equals(c.getIssuer()) || !now.isBefore(c.getExpirationTime().toInstant())
                    || now.isBefore(c.getNotBeforeTime().toInstant())) {
                return false;
            }
            String jti = c.getJWTID();
            String sub = c.getSubject();
            String task = c.getStringClaim("task_id");
            List<Object> chain = c.getListClaim("delegation_chain");
            String root = chain == null || chain.isEmpty() ? sub : (String) ((Map<?, ?>) chain.getFirst()).get("agent");
            if (entries.get("token").contains(jti) || entries.get("superseded").contains(jti)
                    || entries.get("agent").contains(sub) || entries.get("chain").contains(root)
                    || (task != null && entries.get("task").contains(task))) {
                return false;
            }
            if (chain != null) {
                for (Object o : chain) {
                    Map<?, ?> link = (Map<?, ?>) o;
                    if (entries.get("token").contains((String) link.get("jti")) || entries.get("agent").contains((String) link.get("agent"))) {
                        return false;
                    }
                }
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
