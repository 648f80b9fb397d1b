package dev.mandate.server.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.Optional;

/**
 * RFC 9449 (DPoP) for tokens bound to their holder's registered Ed25519 key: the key's RFC 7638 thumbprint
 * that a bound token carries as {@code cnf.jkt}, and the check of the proof its holder sends with each use.
 * A proof is a JWT the holder signs: header {@code typ: dpop+jwt}, {@code alg: EdDSA} (or {@code Ed25519}),
 * its public key in {@code jwk}; claims {@code htm} and {@code htu} (this request's method and URL),
 * {@code iat}, {@code jti} and {@code ath} (the SHA-256 of the token it accompanies).
 */
public final class Dpop {

    /** Longest proof read: a proof is a few hundred bytes. */
    private static final int MAX_PROOF_LENGTH = 4096;
    private static final JOSEObjectType TYPE = new JOSEObjectType("dpop+jwt");
    private static final JWSAlgorithm ED25519 = new JWSAlgorithm("Ed25519");

    /** A proof that checked out: its jti (to be spent once) and until when it could be presented. */
    public record Proof(String jkt, String jti, Instant usableUntil) {
    }

    private Dpop() {
    }

    /** The RFC 7638 thumbprint (base64url SHA-256) of the OKP JWK of a raw 32-byte Ed25519 public key. */
    public static String thumbprint(byte[] ed25519PublicKey) {
        try {
            return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(ed25519PublicKey)).build()
                    .computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    /**
     * The proof {@code proof} when it is one for {@code token} bound to {@code jkt}, sent with a request of
     * {@code method} to {@code uri}, issued within {@code window} of {@code now}; empty for anything else,
     * without saying why (what failed is no help to whoever holds a stolen token). Whether it was presented
     * before is the caller's to decide, by spending its jti.
     */
    public static Optional<Proof> check(String proof, String method, URI uri, String token, String jkt, Instant now,
                                        Duration window) {
        if (proof == null || proof.isEmpty() || proof.length() > MAX_PROOF_LENGTH) {
            return Optional.empty();
        }
        try {
            SignedJWT jwt = SignedJWT.parse(proof);
            var header = jwt.getHeader();
            if (!TYPE.equals(header.getType()) || !(JWSAlgorithm.EdDSA.equals(header.getAlgorithm())
                    || ED25519.equals(header.getAlgorithm())) || header.getCriticalParams() != null
                    || !(header.getJWK() instanceof OctetKeyPair key) || key.isPrivate()
                    || !Curve.Ed25519.equals(key.getCurve()) || !key.computeThumbprint().toString().equals(jkt)) {
                return Optional.empty();
            }
            byte[] publicKey = key.getDecodedX();
            byte[] signature = jwt.getSignature().decode();
            if (publicKey.length != Ed25519PublicKeyParameters.KEY_SIZE || signature.length != 64) {
                return Optional.empty();
            }
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
            byte[] input = jwt.getSigningInput();
            verifier.update(input, 0, input.length);
            if (!verifier.verifySignature(signature)) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Date iat = claims.getIssueTime();
            String jti = claims.getJWTID();
            if (iat == null || jti == null || jti.isEmpty() || jti.length() > 256
                    || !method.equals(claims.getStringClaim("htm"))
                    || !sameTarget(claims.getStringClaim("htu"), uri)
                    || !ath(token).equals(claims.getStringClaim("ath"))) {
                return Optional.empty();
            }
            Instant issued = iat.toInstant();
            if (issued.isBefore(now.minus(window)) || issued.isAfter(now.plus(window))) {
                return Optional.empty();
            }
            return Optional.of(new Proof(jkt, jti, issued.plus(window)));
        } catch (ParseException | JOSEException | IllegalArgumentException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    /** The {@code ath} of {@code token}: base64url of the SHA-256 of its ASCII bytes. */
    public static String ath(String token) {
        return Base64URL.encode(sha256(token.getBytes(StandardCharsets.US_ASCII))).toString();
    }

    /** RFC 9449 §4.3: the URIs match without query and fragment, scheme and host compared case-insensitively. */
    private static boolean sameTarget(String htu, URI request) {
        if (htu == null) {
            return false;
        }
        try {
            URI claimed = new URI(htu);
            return claimed.getScheme() != null && claimed.getHost() != null
                    && claimed.getScheme().equalsIgnoreCase(request.getScheme())
                    && claimed.getHost().toLowerCase(Locale.ROOT).equals(request.getHost().toLowerCase(Locale.ROOT))
                    && port(claimed) == port(request)
                    && java.util.Objects.equals(emptyAsRoot(claimed.getRawPath()), emptyAsRoot(request.getRawPath()));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static String emptyAsRoot(String path) {
        return path == null || path.isEmpty() ? "/" : path;
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
