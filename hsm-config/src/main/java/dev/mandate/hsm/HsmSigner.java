package dev.mandate.hsm;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.security.ProviderException;
import java.util.concurrent.Semaphore;

/**
 * ES256 JWT signing with one HSM key, safe from any number of threads.
 *
 * <p>At most {@code maxConcurrent} signatures run at once (each holds a PKCS#11 session while it
 * runs); further callers wait. A signature that fails is retried once after a fresh login, so a lost
 * session heals without the caller noticing; if that fails too the caller gets
 * {@link HsmUnavailableException}. Nimbus exceptions never leave this class.
 */
public final class HsmSigner {

    private final Hsm hsm;
    private final String label;
    private final ECKey publicJwk;
    private final JWSHeader header;
    private final Semaphore permits;
    private volatile Prepared prepared;

    private record Prepared(ECDSASigner signer, long generation) {
    }

    HsmSigner(Hsm hsm, String label, ECKey publicJwk, int maxConcurrent) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be >= 1");
        }
        this.hsm = hsm;
        this.label = label;
        this.publicJwk = publicJwk;
        this.header = new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(publicJwk.getKeyID())
                .type(JOSEObjectType.JWT)
                .build();
        this.permits = new Semaphore(maxConcurrent);
    }

    /** The key's RFC 7638 thumbprint, put in every header as {@code kid}. */
    public String kid() {
        return publicJwk.getKeyID();
    }

    public String label() {
        return label;
    }

    /** The public JWK that verifies this signer's tokens. */
    public ECKey publicJwk() {
        return publicJwk;
    }

    /** Signs the claims as a compact JWS with header {@code {alg: ES256, kid, typ: JWT}}. */
    public String sign(JWTClaimsSet claims) {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HsmUnavailableException("interrupted while waiting for an HSM session");
        }
        try {
            try {
                return signOnce(claims);
            } catch (JOSEException | ProviderException first) {
                return signOnce(claims);
            }
        } catch (JOSEException | ProviderException e) {
            throw new HsmUnavailableException("HSM signing with key '" + label + "' failed: " + Hsm.rootMessage(e), e);
        } finally {
            permits.release();
        }
    }

    private String signOnce(JWTClaimsSet claims) throws JOSEException {
        Prepared current = prepared;
        if (current == null) {
            current = prepare();
        }
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(current.signer());
            return jwt.serialize();
        } catch (JOSEException | ProviderException e) {
            prepared = null;
            hsm.invalidate(current.generation());
            throw e;
        }
    }

    private Prepared prepare() throws JOSEException {
        Hsm.Handle handle = hsm.handle(label);
        ECDSASigner signer = new ECDSASigner(handle.key(), Curve.P_256);
        signer.getJCAContext().setProvider(handle.provider());
        Prepared fresh = new Prepared(signer, handle.generation());
        prepared = fresh;
        return fresh;
    }
}
