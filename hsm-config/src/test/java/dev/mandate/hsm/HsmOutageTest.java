package dev.mandate.hsm;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HsmOutageTest {

    private static final String WRONG_PIN = "0000wrong1111";

    @TempDir
    Path temp;

    @Test
    void wrongPinFailsWithTheTypedErrorAndNoPinInTheMessage() throws Exception {
        Path wrong = temp.resolve("wrong-pin");
        PinFile.create(wrong, WRONG_PIN);
        HsmConfig config = withPinFile(wrong);

        var e = assertThrows(HsmUnavailableException.class, () -> Hsm.open(config));
        assertTrue(e.getMessage().contains("login"), e.getMessage());
        assertTrue(e.getMessage().contains("CKR_PIN_INCORRECT"), e.getMessage());
        assertNoPin(e.getMessage());
    }

    @Test
    void signingDuringAnOutageFailsTypedAndRecoversWhenTheHsmIsBack() throws Exception {
        Path pinFile = temp.resolve("pin");
        PinFile.create(pinFile, realPin());
        try (Hsm hsm = Hsm.open(withPinFile(pinFile))) {
            String label = TestToken.uniqueLabel("outage");
            hsm.generateSigningKey(label);
            HsmSigner signer = hsm.signer(label, 2);
            signer.sign(claims("before"));

            // The HSM drops our session and will not let us back in.
            Files.writeString(pinFile, WRONG_PIN);
            hsm.invalidate(hsm.handle(label).generation());
            var e = assertThrows(HsmUnavailableException.class, () -> signer.sign(claims("during")));
            assertTrue(e.getMessage().contains("CKR_PIN_INCORRECT"), e.getMessage());
            assertNoPin(e.getMessage());

            // The HSM is back: the same signer works without a restart.
            Files.writeString(pinFile, realPin());
            SignedJWT after = SignedJWT.parse(signer.sign(claims("after")));
            assertTrue(after.verify(new ECDSAVerifier(signer.publicJwk())));
            assertEquals("after", after.getJWTClaimsSet().getJWTID());
        }
    }

    @Test
    void aMissingLibraryOrTokenIsATypedErrorNotACrash() {
        var missing = new HsmConfig("mandate", temp.resolve("nope.so"), null, 0, temp.resolve("pin"), null);
        var e = assertThrows(HsmSetupException.class, () -> Hsm.open(missing));
        assertTrue(e.getMessage().contains("PKCS#11 library not found"), e.getMessage());

        var noSuchSlot = new HsmConfig("mandate", HsmConfig.SOFTHSM_LIBRARY, 4242L, 0,
                TestToken.config().pinFile(), TestToken.config().softHsmConf());
        var e2 = assertThrows(HsmUnavailableException.class, () -> Hsm.open(noSuchSlot));
        assertTrue(e2.getMessage().contains("cannot reach the HSM slot id 4242"), e2.getMessage());
    }

    @Test
    void theCeremonyToolReportsAWrongPinWithoutPrintingIt() throws Exception {
        Path wrong = temp.resolve("wrong-pin");
        PinFile.create(wrong, WRONG_PIN);
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = KeyCeremony.run(new String[]{"list", "--library", HsmConfig.SOFTHSM_LIBRARY.toString(),
                "--slot-index", "0", "--pin-file", wrong.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertEquals(1, status);
        String printed = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("HSM login"), printed);
        assertNoPin(printed);
    }

    @Test
    void aPinFileOthersCanReadIsRefused() throws Exception {
        Path open = temp.resolve("open-pin");
        Files.writeString(open, realPin());
        var e = assertThrows(HsmSetupException.class, () -> Hsm.open(withPinFile(open)));
        assertTrue(e.getMessage().contains("readable by group or others"), e.getMessage());
        assertNoPin(e.getMessage());
    }

    private static HsmConfig withPinFile(Path pinFile) {
        HsmConfig base = TestToken.config();
        return new HsmConfig(base.name(), base.library(), base.slot(), base.slotListIndex(), pinFile, base.softHsmConf());
    }

    private static String realPin() {
        return PinFile.read(TestToken.config().pinFile());
    }

    private static void assertNoPin(String text) {
        assertFalse(text.contains(WRONG_PIN), "wrong PIN leaked: " + text);
        assertFalse(text.contains(realPin()), "user PIN leaked: " + text);
    }

    private static JWTClaimsSet claims(String id) {
        return new JWTClaimsSet.Builder().jwtID(id).build();
    }
}
