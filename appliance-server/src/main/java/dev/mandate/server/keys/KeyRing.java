package dev.mandate.server.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The public keys that may verify a token, by kid. Verification runs in software (Bouncy Castle,
 * several times faster than SunEC here), so it goes on when the HSM is down.
 */
public final class KeyRing {

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private final Map<String, ECDSAVerifier> verifiers = new ConcurrentHashMap<>();
    private final Map<String, ECKey> keys = new ConcurrentHashMap<>();

    public void add(ECKey publicKey) {
        try {
            ECDSAVerifier verifier = new ECDSAVerifier(publicKey.toECPublicKey());
            verifier.getJCAContext().setProvider(BC);
            keys.put(publicKey.getKeyID(), publicKey.toPublicJWK());
            verifiers.put(publicKey.getKeyID(), verifier);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("not a usable P-256 public key: " + publicKey.getKeyID(), e);
        }
    }

    public void remove(String kid) {
        verifiers.remove(kid);
        keys.remove(kid);
    }

    public Optional<ECDSAVerifier> verifier(String kid) {
        return Optional.ofNullable(verifiers.get(kid));
    }

    public Map<String, ECKey> publicKeys() {
        return Map.copyOf(keys);
    }
}
