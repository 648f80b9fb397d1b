package dev.mandate.server;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import jakarta.json.Json;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

/**
 * A holder's side of RFC 9449 for tests, written from the RFC with the JDK's Ed25519 (the broker's own
 * checks are not reused): DPoP proofs, and the raw public key a registration sends.
 */
final class DpopProofs {

    private DpopProofs() {
    }

    /** A proof by {@code keys} for {@code method} {@code url} with {@code token}, made at {@code iat}. */
    static String proof(KeyPair keys, String method, String url, String token, Instant iat) {
        return proof(keys, keys, method, url, token, iat, UUID.randomUUID().toString());
    }

    /** A proof whose header carries {@code named}'s public key, signed with {@code signer}'s private key. */
    static String proof(KeyPair signer, KeyPair named, String method, String url, String token, Instant iat, String jti) {
        OctetKeyPair jwk = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(raw(named))).build();
        String header = Json.createObjectBuilder().add("typ", "dpop+jwt").add("alg", "EdDSA")
                .add("jwk", Json.createReader(new StringReader(jwk.toJSONString())).readObject()).build().toString();
        String claims = Json.createObjectBuilder().add("jti", jti).add("htm", method).add("htu", url)
                .add("iat", iat.getEpochSecond()).add("ath", sha256(token)).build().toString();
        String input = Base64URL.encode(header) + "." + Base64URL.encode(claims);
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(signer.getPrivate());
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + Base64URL.encode(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The raw 32-byte Ed25519 public key (the end of its X.509 encoding). */
    static byte[] raw(KeyPair keys) {
        byte[] x509 = keys.getPublic().getEncoded();
        return Arrays.copyOfRange(x509, x509.length - 32, x509.length);
    }

    private static String sha256(String token) {
        try {
            return Base64URL.encode(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII))).toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
