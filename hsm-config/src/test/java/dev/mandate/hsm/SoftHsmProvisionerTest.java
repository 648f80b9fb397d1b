package dev.mandate.hsm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SoftHsmProvisionerTest {

    @TempDir
    Path temp;

    @Test
    void provisioningMakesATokenWithPrivatePinFilesAndIsIdempotent() throws Exception {
        Path dir = temp.resolve("hsm");
        var first = new SoftHsmProvisioner().provision(dir, "ops-token");
        assertTrue(first.created());
        for (String pin : new String[]{SoftHsmProvisioner.SO_PIN_FILE, SoftHsmProvisioner.USER_PIN_FILE}) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(pin))));
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        String userPin = Files.readString(dir.resolve(SoftHsmProvisioner.USER_PIN_FILE));
        String soPin = Files.readString(dir.resolve(SoftHsmProvisioner.SO_PIN_FILE));
        assertFalse(userPin.equals(soPin));

        // The user PIN in the file opens the new token: pkcs11-tool logs in with it in another process.
        var login = new ProcessBuilder("pkcs11-tool", "--module", HsmConfig.SOFTHSM_LIBRARY.toString(),
                "--token-label", "ops-token", "--login", "--pin", "env:PIN", "--list-objects").redirectErrorStream(true);
        login.environment().put("SOFTHSM2_CONF", dir.resolve(SoftHsmProvisioner.CONF_FILE).toString());
        login.environment().put("PIN", userPin.strip());
        TestToken.run(login);

        var second = new SoftHsmProvisioner().provision(dir, "ops-token");
        assertFalse(second.created());
        assertEquals(userPin, Files.readString(dir.resolve(SoftHsmProvisioner.USER_PIN_FILE)));
        assertEquals(soPin, Files.readString(dir.resolve(SoftHsmProvisioner.SO_PIN_FILE)));
        try (var tokens = Files.list(dir.resolve(SoftHsmProvisioner.TOKEN_DIR))) {
            assertEquals(1, tokens.count(), "one token directory, not a second token");
        }
    }

    @Test
    void aSecondTokenLabelInTheSameDirectoryIsRefused() {
        Path dir = temp.resolve("hsm");
        new SoftHsmProvisioner().provision(dir, "first");
        var e = assertThrows(HsmSetupException.class, () -> new SoftHsmProvisioner().provision(dir, "second"));
        assertTrue(e.getMessage().contains("already holds a token labelled 'first'"), e.getMessage());
    }

    @Test
    void missingToolsAndBadLabelsAreClearErrors() {
        var noLibrary = new SoftHsmProvisioner(temp.resolve("libnothing.so"), "pkcs11-tool");
        var e1 = assertThrows(HsmSetupException.class, () -> noLibrary.provision(temp.resolve("a"), "t"));
        assertTrue(e1.getMessage().contains("apt-get install softhsm2"), e1.getMessage());

        var noTool = new SoftHsmProvisioner(HsmConfig.SOFTHSM_LIBRARY, temp.resolve("no-pkcs11-tool").toString());
        var e2 = assertThrows(HsmSetupException.class, () -> noTool.provision(temp.resolve("b"), "t"));
        assertTrue(e2.getMessage().contains("apt-get install opensc"), e2.getMessage());

        assertThrows(HsmSetupException.class, () -> new SoftHsmProvisioner().provision(temp.resolve("c"), "bad label!"));
    }
}
