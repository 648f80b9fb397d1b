package dev.mandate.server.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import com.nimbusds.jose.proc.SecurityContext;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The public keys that may verify a token, by kid, in the shape Nimbus's JWT processor asks for: a key
 * selector (ES256 with a kid of the ring, nothing else) and a verifier factory that hands out the verifier
 * made once per key. Verification runs in software (Bouncy Castle, several times faster than SunEC here),
 * so it goes on when the HSM is down.
 */
public final class KeyRing {

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    /** A trusted key: its public JWK (for the JWKS), the key itself and its verifier. */
    private record Trusted(ECKey jwk, ECPublicKey key, ECDSAVerifier verifier) {
    }

    private final Map<String, Trusted> keys = new ConcurrentHashMap<>();

    /**
     * Trusts {@code publicKey}. The key is held as a Bouncy Castle key object, made once: Bouncy Castle
     * keeps its precomputed multiples on the key's point, so every later verification with it is about
     * three times cheaper than with a key converted afresh on each call (measured 3.8k/s vs 11k/s on one
     * thread here; the broker benchmark prints the rate against raw verification).
     */
    public void add(ECKey publicKey) {
        try {
            ECPublicKey key = (ECPublicKey) KeyFactory.getInstance("EC", BC)
                    .generatePublic(new X509EncodedKeySpec(publicKey.toECPublicKey().getEncoded()));
            ECDSAVerifier verifier = new ECDSAVerifier(key);
            verifier.getJCAContext().setProvider(BC);
            keys.put(publicKey.getKeyID(), new Trusted(publicKey.toPublicJWK(), key, verifier));
        } catch (JOSEException | GeneralSecurityException e) {
            throw new IllegalArgumentException("not a usable P-256 public key: " + publicKey.getKeyID(), e);
        }
    }

    public void remove(String kid) {
        keys.remove(kid);
    }

    /** True while {@code kid} may verify tokens (not revoked, not retired past its tokens). */
    public boolean trusts(String kid) {
        return kid != null && keys.containsKey(kid);
    }

    public Map<String, ECKey> publicKeys() {
        Map<String, ECKey> jwks = new java.util.HashMap<>();
        keys.forEach((kid, t) -> jwks.put(kid, t.jwk()));
        return Map.copyOf(jwks);
    }

    /** Selects the one key a token may be verified with: ES256 and a kid of the ring; "none", HMAC and foreign kids get none. */
    public <C extends SecurityContext> JWSKeySelector<C> keySelector() {
        return (header, context) -> {
            Trusted t = JWSAlgorithm.ES256.equals(header.getAlgorithm()) && header.getKeyID() != null
                    ? keys.get(header.getKeyID()) : null;
            return t == null ? List.of() : List.of(t.key());
        };
    }

    /** Hands out the verifier made when the key joined the ring, instead of one per token. */
    public JWSVerifierFactory verifierFactory() {
        return new JWSVerifierFactory() {
            private final JCAContext jca = new JCAContext(BC, null);

            @Override
            public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
                Trusted t = header.getKeyID() == null ? null : keys.get(header.getKeyID());
                if (t == null || t.key() != key) {
                    throw new JOSEException("no verifier for this key");
                }
                return t.verifier();
            }

            @Override
            public Set<JWSAlgorithm> supportedJWSAlgorithms() {
                return Set.of(JWSAlgorithm.ES256);
            }

            @Override
            public JCAContext getJCAContext() {
                return jca;
            }
        };
    }
}
