package dev.mandate.server.keys;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.mandate.hsm.HsmException;
import dev.mandate.hsm.HsmSigner;
import dev.mandate.server.http.ApiException;

import java.lang.System.Logger.Level;

/** The active HSM key as a {@link TokenSigner}; HSM failures become 503 and are logged without secrets. */
public final class HsmTokenSigner implements TokenSigner {

    private static final System.Logger LOG = System.getLogger(HsmTokenSigner.class.getName());
    private static final long PROBE_INTERVAL_NANOS = 1_000_000_000L;

    private volatile HsmSigner signer;
    private volatile boolean healthy = true;
    private volatile long lastProbeNanos;

    public HsmTokenSigner(HsmSigner signer) {
        this.signer = signer;
    }

    @Override
    public String sign(JWTClaimsSet claims) {
        try {
            String jwt = signer.sign(claims);
            healthy = true;
            return jwt;
        } catch (HsmException e) {
            if (healthy) {
                LOG.log(Level.ERROR, "HSM signing failed: " + e.getMessage());
            }
            healthy = false;
            throw ApiException.hsmUnavailable();
        }
    }

    @Override
    public String kid() {
        return signer.kid();
    }

    @Override
    public boolean healthy() {
        long now = System.nanoTime();
        if (now - lastProbeNanos > PROBE_INTERVAL_NANOS) {
            lastProbeNanos = now;
            try {
                signer.sign(new JWTClaimsSet.Builder().subject("health-probe").build());
                healthy = true;
            } catch (HsmException e) {
                healthy = false;
            }
        }
        return healthy;
    }
}
