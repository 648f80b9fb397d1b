package dev.mandate.server.keys;

import com.nimbusds.jwt.JWTClaimsSet;

/** Signs token claims as a compact ES256 JWS with the active key. */
public interface TokenSigner {

    /** A signed token and the kid of the key that signed it. */
    record Signed(String jwt, String kid) {
        @Override
        public String toString() {
            return "Signed[kid=" + kid + "]";
        }
    }

    /** Throws {@link dev.mandate.server.http.Refusal} 503 when the HSM cannot sign. */
    Signed sign(JWTClaimsSet claims);

    /** True when the HSM signs (a real signature, at most once a second while healthy). */
    boolean healthy();
}
