package dev.mandate.hsm;

import java.time.Instant;
import java.util.Objects;

/**
 * A signing key on the token, described by public facts only.
 *
 * @param label     {@code CKA_LABEL}, the name operators and the broker use
 * @param id        {@code CKA_ID} as hex
 * @param kid       RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key: the JWS {@code kid}
 * @param createdAt when the key was generated (the validity start of its self-signed certificate)
 */
public record SigningKey(String label, String id, String kid, Instant createdAt) {
    public SigningKey {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
