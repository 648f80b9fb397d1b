package dev.mandate.hsm;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyCeremonyTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int ceremony(String... args) {
        out.reset();
        err.reset();
        return KeyCeremony.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String hsmDir() {
        return TestToken.shared().hsmDir().toString();
    }

    @Test
    void generateListAndDestroyThroughTheCommandLine() {
        String label = TestToken.uniqueLabel("cli");
        assertEquals(0, ceremony("generate", "--hsm-dir", hsmDir(), "--label", label), err.toString());
        String generated = out.toString(StandardCharsets.UTF_8);
        assertTrue(generated.contains(label), generated);

        assertEquals(0, ceremony("list", "--hsm-dir", hsmDir()));
        assertTrue(out.toString(StandardCharsets.UTF_8).lines().anyMatch(l -> l.startsWith(label + " ")));

        assertEquals(0, ceremony("destroy", "--hsm-dir", hsmDir(), "--label", label));
        assertEquals(0, ceremony("list", "--hsm-dir", hsmDir()));
        assertFalse(out.toString(StandardCharsets.UTF_8).contains(label));
    }

    @Test
    void destroyingAnUnknownKeyExitsOneWithAClearMessage() {
        assertEquals(1, ceremony("destroy", "--hsm-dir", hsmDir(), "--label", "ghost"));
        assertEquals("key-ceremony: no signing key labelled 'ghost' on the token\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, ceremony());
        assertEquals(2, ceremony("rotate"));
        assertEquals(2, ceremony("list", "--colour", "red"));
        assertEquals(2, ceremony("generate", "--hsm-dir", hsmDir()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--label is required"));
        assertEquals(2, ceremony("list", "--library", "/x.so", "--slot-index", "one", "--pin-file", "/p"));
    }

    @Test
    void aSoftHsmDirectoryOtherThanTheLoadedOneIsRefusedNotSilentlyIgnored() {
        assertEquals(1, ceremony("list", "--hsm-dir", "/tmp/some-other-hsm"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("SOFTHSM2_CONF="), err.toString());
    }
}
