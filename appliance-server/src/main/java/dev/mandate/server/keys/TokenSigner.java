package dev.mandate.server.keys;

import com.nimbusds.jwt.JWTClaimsSet;

/** Signs token claims as a compact ES256 JWS with the active key. */
public interface TokenSigner {

    /** Throws {@link dev.mandate.server.http.ApiException} 503 when the HSM cannot sign. */
    String sign(JWTClaimsSet claims);

    /** The kid the next signature will carry. */
    String kid();

    /** True when the last signature (or a probe, at most once a second) succeeded. */
    boolean healthy();
}
