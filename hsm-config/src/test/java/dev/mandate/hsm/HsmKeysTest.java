package dev.mandate.hsm;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.Provider;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HsmKeysTest {

    private Hsm hsm;

    @BeforeEach
    void open() {
        hsm = TestToken.open();
    }

    @AfterEach
    void close() {
        hsm.close();
    }

    /**
     * Nodes of a cluster share the HSM's keys: a key another session (another broker) generated after this
     * one logged in is found by label, signs, and a key it destroyed is gone here too.
     */
    @Test
    void aKeyMadeThroughAnotherSessionIsUsableHere() throws Exception {
        try (Hsm other = TestToken.open()) {
            String label = TestToken.uniqueLabel("other");
            SigningKey made = other.generateSigningKey(label);
            assertEquals(made.kid(), hsm.publicJwk(label).getKeyID());
            HsmSigner signer = hsm.signer(label, 1);
            String jwt = signer.sign(new JWTClaimsSet.Builder().subject("s").build());
            assertTrue(SignedJWT.parse(jwt).verify(new ECDSAVerifier(other.publicJwk(label))));
            assertTrue(hsm.listKeys().stream().anyMatch(k -> k.label().equals(label)));
            other.destroy(label);
        }
    }

    @Test
    void generatedKeyIsASensitiveNeverExtractableTokenObjectAsReadBackThroughPkcs11() {
        SigningKey key = hsm.generateSigningKey(TestToken.uniqueLabel("attrs"));

        // A separate process (OpenSC's pkcs11-tool) sees only token objects, and prints the flags it reads.
        String listing = TestToken.pkcs11Tool("--list-objects", "--type", "privkey", "--id", key.id());
        assertTrue(listing.contains("Private Key Object; EC"), listing);
        assertTrue(listing.contains("ID:         " + key.id()), listing);
        String access = listing.lines().filter(l -> l.strip().startsWith("Access:")).findFirst().orElseThrow();
        // pkcs11-tool prints CKA_SENSITIVE as "sensitive", CKA_NEVER_EXTRACTABLE as "never extractable",
        // and CKA_EXTRACTABLE=true as a bare "extractable".
        List<String> flags = List.of(access.substring(access.indexOf(':') + 1).strip().split(",\\s*"));
        assertTrue(flags.contains("sensitive"), access);
        assertTrue(flags.contains("always sensitive"), access);
        assertTrue(flags.contains("never extractable"), access);
        assertFalse(flags.contains("extractable"), access);

        // In this JVM the key is a PKCS#11 handle: there are no bytes to get.
        Hsm.Handle handle = hsm.handle(key.label());
        assertNull(handle.key().getEncoded());
        assertTrue(handle.key().toString().contains("token object, sensitive, unextractable"), handle.key().toString());
    }

    @Test
    void noPublicMethodOfTheModuleReturnsPrivateKeyMaterialOrPins() throws IOException {
        Path classes = Path.of(Hsm.class.getProtectionDomain().getCodeSource().getLocation().getPath(),
                "dev", "mandate", "hsm");
        List<Class<?>> forbidden = List.of(Key.class, KeyPair.class, KeyStore.class, Provider.class,
                byte[].class, char[].class);
        int checked = 0;
        try (Stream<Path> files = Files.list(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = "dev.mandate.hsm." + file.getFileName().toString().replace(".class", "");
                Class<?> type = Class.forName(name, false, Hsm.class.getClassLoader());
                for (Method m : type.getDeclaredMethods()) {
                    if (Modifier.isPublic(m.getModifiers()) && Modifier.isPublic(type.getModifiers())) {
                        checked++;
                        for (Class<?> bad : forbidden) {
                            assertFalse(bad.isAssignableFrom(m.getReturnType()), m + " returns " + bad.getSimpleName());
                        }
                    }
                }
            }
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
        assertTrue(checked > 10, "scanned " + checked + " public methods");
    }

    @Test
    void jwtSignedInTheHsmVerifiesWithTheExportedJwkAndItsKidIsTheRfc7638Thumbprint() throws Exception {
        String label = TestToken.uniqueLabel("sign");
        SigningKey key = hsm.generateSigningKey(label);
        ECKey jwk = hsm.publicJwk(label);
        assertFalse(jwk.isPrivate());

        String token = hsm.signer(label, 2).sign(new JWTClaimsSet.Builder().subject("agent").jwtID("j1").build());
        SignedJWT jwt = SignedJWT.parse(token);

        assertEquals(JWSAlgorithm.ES256, jwt.getHeader().getAlgorithm());
        assertEquals("JWT", jwt.getHeader().getType().getType());
        assertTrue(jwt.verify(new ECDSAVerifier(jwk)));
        assertEquals("agent", jwt.getJWTClaimsSet().getSubject());

        // RFC 7638 §3.2: SHA-256 over the required members in lexicographic order, no white space.
        String canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + jwk.getX() + "\",\"y\":\"" + jwk.getY() + "\"}";
        String thumbprint = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        assertEquals(thumbprint, jwt.getHeader().getKeyID());
        assertEquals(thumbprint, key.kid());
        assertEquals(thumbprint, jwk.getKeyID());
    }

    @Test
    void kidIsStableAcrossARestartOfTheProviderAndOfTheProcess() {
        String label = TestToken.uniqueLabel("stable");
        String kid = hsm.generateSigningKey(label).kid();
        hsm.close();

        hsm = TestToken.open();
        assertEquals(kid, hsm.publicJwk(label).getKeyID());

        // A new JVM loads the PKCS#11 library afresh: the real restart.
        var builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), KeyCeremony.class.getName(),
                "list", "--hsm-dir", TestToken.shared().hsmDir().toString()).redirectErrorStream(true);
        String listed = TestToken.run(builder);
        assertTrue(Pattern.compile("^" + Pattern.quote(label) + "\\s+\\S+\\s+" + Pattern.quote(kid) + "\\s", Pattern.MULTILINE)
                .matcher(listed).find(), listed);
    }

    @Test
    void listingAfterGenerateAndDestroyShowsExactlyTheExpectedKeys() {
        String prefix = TestToken.uniqueLabel("set");
        SigningKey a = hsm.generateSigningKey(prefix + "-a");
        SigningKey b = hsm.generateSigningKey(prefix + "-b");
        SigningKey c = hsm.generateSigningKey(prefix + "-c");
        assertEquals(List.of(a, b, c), mine(prefix));
        assertEquals(a.id(), HexFormat.of().formatHex(a.label().getBytes(StandardCharsets.UTF_8)));

        hsm.destroy(b.label());
        assertEquals(List.of(a, c), mine(prefix));
        String objects = TestToken.pkcs11Tool("--list-objects");
        assertFalse(objects.contains("ID:         " + b.id()), objects);
        assertTrue(objects.contains("ID:         " + a.id()), objects);

        hsm.destroy(a.label());
        hsm.destroy(c.label());
        assertEquals(List.of(), mine(prefix));
    }

    @Test
    void destroyingAnUnknownLabelIsAClearError() {
        var e = assertThrows(UnknownKeyException.class, () -> hsm.destroy("no-such-key"));
        assertEquals("no signing key labelled 'no-such-key' on the token", e.getMessage());
        assertThrows(UnknownKeyException.class, () -> hsm.signer("no-such-key", 1));
    }

    @Test
    void generatingTwiceUnderOneLabelOrWithABadLabelIsRefused() {
        String label = TestToken.uniqueLabel("dup");
        hsm.generateSigningKey(label);
        var dup = assertThrows(HsmSetupException.class, () -> hsm.generateSigningKey(label));
        assertTrue(dup.getMessage().contains("already exists"), dup.getMessage());
        assertThrows(HsmSetupException.class, () -> hsm.generateSigningKey("bad label/../x"));
        assertEquals(1, mine(label).size());
    }

    private List<SigningKey> mine(String prefix) {
        return hsm.listKeys().stream().filter(k -> k.label().startsWith(prefix)).toList();
    }
}
