package dev.mandate.server.admin;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Secrets are compared by bcrypt; any string a JSON body can carry is an answer, never an exception. */
class SecretHashTest {

    private final SecretHash hashes = new SecretHash(4);
    private final String stored = hashes.hash("the-right-secret-0123456789");

    @Test
    void theRightSecretMatchesAndAWrongOneDoesNot() {
        assertTrue(hashes.matches("the-right-secret-0123456789", stored));
        assertFalse(hashes.matches("the-wrong-secret-0123456789", stored));
        assertFalse(hashes.matches("the-right-secret-0123456789", null), "no stored hash");
        assertFalse(hashes.matches(null, stored));
        assertFalse(hashes.matches("x".repeat(73), stored), "over bcrypt's 72 bytes");
    }

    @Test
    void aSecretThatIsNotWellFormedUnicodeIsWrongNotAnError() {
        // JSON can spell a lone surrogate ("\uDFFF"); it has no UTF-8 form for bcrypt to hash.
        assertFalse(hashes.matches("\uDFFF", stored));
        assertFalse(hashes.matches("\uD800", null));
        assertFalse(hashes.matches("the-right-secret-0123456789\uD800", stored));
    }
}
