package dev.mandate.hsm;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the HSM is and how to log in: a PKCS#11 library, one slot (by id or by index in the slot
 * list), and the file holding the user PIN. {@code softHsmConf} is set only for SoftHSM2, whose
 * library reads its token directory from the {@code SOFTHSM2_CONF} environment variable.
 */
public record HsmConfig(String name, Path library, Long slot, int slotListIndex, Path pinFile, Path softHsmConf) {

    /** Debian's SoftHSM2 module ({@code apt-get install softhsm2}). */
    public static final Path SOFTHSM_LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    public HsmConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(library, "library");
        Objects.requireNonNull(pinFile, "pinFile");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("provider name must match " + NAME.pattern());
        }
        if (slot == null && slotListIndex < 0) {
            throw new IllegalArgumentException("slotListIndex must be >= 0");
        }
    }

    /** The SoftHSM2 token that {@link SoftHsmProvisioner} made in {@code hsmDir}: first token, user PIN file. */
    public static HsmConfig softHsm(Path hsmDir) {
        return new HsmConfig("mandate", SOFTHSM_LIBRARY, null, 0,
                hsmDir.resolve(SoftHsmProvisioner.USER_PIN_FILE), hsmDir.resolve(SoftHsmProvisioner.CONF_FILE));
    }

    /** A PKCS#11 module of any vendor, by slot index. */
    public static HsmConfig pkcs11(Path library, int slotListIndex, Path pinFile) {
        return new HsmConfig("mandate", library, null, slotListIndex, pinFile, null);
    }

    /** The text SunPKCS11 reads; it holds no PIN. */
    String sunPkcs11Config() {
        String slotLine = slot != null ? "slot = " + slot : "slotListIndex = " + slotListIndex;
        return Template.render("sunpkcs11.cfg.template", Map.of(
                "NAME", name,
                "LIBRARY", library.toAbsolutePath().toString(),
                "SLOT", slotLine));
    }
}
