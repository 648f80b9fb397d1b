package dev.mandate.server.admin;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/** bcrypt (Bouncy Castle) for the secrets the broker must recognise but never keep. */
public final class SecretHash {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** bcrypt reads at most 72 bytes; longer secrets are refused rather than silently truncated. */
    public static final int MAX_SECRET_BYTES = 72;

    private final int cost;
    private final String decoy;

    public SecretHash(int cost) {
        if (cost < 4 || cost > 31) {
            throw new IllegalArgumentException("bcrypt cost must be 4 to 31");
        }
        this.cost = cost;
        this.decoy = hash(newSecret());
    }

    /** A new random secret: 32 bytes, base64url (43 characters). */
    public static String newSecret() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    public String hash(String secret) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return OpenBSDBCrypt.generate("2b", secret.toCharArray(), salt, cost);
    }

    /** Constant work whether or not there is a stored hash: an unknown client id costs a bcrypt too. */
    public boolean matches(String secret, String storedHash) {
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length > MAX_SECRET_BYTES) {
            OpenBSDBCrypt.checkPassword(decoy, "x".toCharArray());
            return false;
        }
        if (storedHash == null) {
            OpenBSDBCrypt.checkPassword(decoy, secret.toCharArray());
            return false;
        }
        return OpenBSDBCrypt.checkPassword(storedHash, secret.toCharArray());
    }
}
