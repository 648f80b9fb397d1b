package dev.mandate.hsm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes a SoftHSM2 token in a directory of its own, idempotently:
 * <pre>
 *   hsmDir/softhsm2.conf   token directory, file object store (SOFTHSM2_CONF points here)
 *   hsmDir/tokens/         the token itself
 *   hsmDir/so-pin          security officer PIN, mode 0600, random at first run
 *   hsmDir/user-pin        user PIN, mode 0600, random at first run
 * </pre>
 * The token is initialised with OpenSC's {@code pkcs11-tool} (Debian package {@code opensc}); PINs reach it
 * through its environment ({@code env:} PIN syntax), never on a command line that {@code ps} shows.
 */
public final class SoftHsmProvisioner {

    public static final String CONF_FILE = "softhsm2.conf";
    public static final String TOKEN_DIR = "tokens";
    public static final String SO_PIN_FILE = "so-pin";
    public static final String USER_PIN_FILE = "user-pin";

    private static final Pattern SLOT = Pattern.compile("^Slot \\d+ \\(0x([0-9a-fA-F]+)\\)", Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("^\\s*token label\\s*:\\s*(.*?)\\s*$", Pattern.MULTILINE);
    private static final Pattern TOKEN_LABEL = Pattern.compile("[A-Za-z0-9._-]{1,32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path library;
    private final String pkcs11Tool;

    public SoftHsmProvisioner() {
        this(HsmConfig.SOFTHSM_LIBRARY, "pkcs11-tool");
    }

    SoftHsmProvisioner(Path library, String pkcs11Tool) {
        this.library = library;
        this.pkcs11Tool = pkcs11Tool;
    }

    /** A token that exists in {@code hsmDir}, with the config to reach it. */
    public record Token(Path hsmDir, String label, boolean created) {
        public HsmConfig config() {
            return HsmConfig.softHsm(hsmDir);
        }
    }

    /** Creates config, PIN files and token where missing; leaves everything that exists as it is. */
    public Token provision(Path hsmDir, String tokenLabel) {
        if (!TOKEN_LABEL.matcher(tokenLabel).matches()) {
            throw new HsmSetupException("token label must match " + TOKEN_LABEL.pattern());
        }
        if (!Files.isReadable(library)) {
            throw new HsmSetupException("SoftHSM2 library not found at " + library + " (apt-get install softhsm2)");
        }
        try {
            Path dir = hsmDir.toAbsolutePath();
            createPrivateDirectory(dir);
            createPrivateDirectory(dir.resolve(TOKEN_DIR));
            Path conf = dir.resolve(CONF_FILE);
            if (Files.notExists(conf)) {
                Files.writeString(conf, Template.render("softhsm2.conf.template",
                        Map.of("TOKENDIR", dir.resolve(TOKEN_DIR).toString())));
            }
            createPinFile(dir.resolve(SO_PIN_FILE));
            createPinFile(dir.resolve(USER_PIN_FILE));

            String slots = pkcs11Tool(conf, Map.of(), "--list-slots");
            List<String> labels = LABEL.matcher(slots).results().map(m -> m.group(1)).toList();
            if (labels.contains(tokenLabel)) {
                return new Token(dir, tokenLabel, false);
            }
            if (!labels.isEmpty()) {
                throw new HsmSetupException("token directory " + dir.resolve(TOKEN_DIR)
                        + " already holds a token labelled '" + labels.getFirst() + "'");
            }
            String freeSlot = firstSlotId(slots)
                    .orElseThrow(() -> new HsmSetupException("SoftHSM2 offers no free slot in " + dir));
            Map<String, String> pins = Map.of(
                    "MANDATE_SO_PIN", PinFile.read(dir.resolve(SO_PIN_FILE)),
                    "MANDATE_USER_PIN", PinFile.read(dir.resolve(USER_PIN_FILE)));
            pkcs11Tool(conf, pins, "--slot", freeSlot, "--init-token", "--label", tokenLabel,
                    "--so-pin", "env:MANDATE_SO_PIN");
            pkcs11Tool(conf, pins, "--token-label", tokenLabel, "--login", "--login-type", "so",
                    "--so-pin", "env:MANDATE_SO_PIN", "--init-pin", "--pin", "env:MANDATE_USER_PIN");
            return new Token(dir, tokenLabel, true);
        } catch (IOException e) {
            throw new HsmSetupException("cannot provision SoftHSM2 token in " + hsmDir + ": " + e.getMessage(), e);
        }
    }

    private static Optional<String> firstSlotId(String listing) {
        // The uninitialised slot is the one without a "token label" line.
        Matcher m = SLOT.matcher(listing);
        while (m.find()) {
            int end = listing.indexOf("\nSlot ", m.end());
            String block = listing.substring(m.end(), end < 0 ? listing.length() : end);
            if (block.contains("uninitialized")) {
                return Optional.of(Long.toString(Long.parseLong(m.group(1), 16)));
            }
        }
        return Optional.empty();
    }

    private String pkcs11Tool(Path conf, Map<String, String> env, String... args) throws IOException {
        var command = new java.util.ArrayList<String>(List.of(pkcs11Tool, "--module", library.toString()));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SOFTHSM2_CONF", conf.toString());
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new HsmSetupException("cannot run " + pkcs11Tool + " (apt-get install opensc): " + e.getMessage(), e);
        }
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new HsmSetupException(pkcs11Tool + " did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HsmSetupException("interrupted while running " + pkcs11Tool, e);
        }
        if (process.exitValue() != 0) {
            throw new HsmSetupException(pkcs11Tool + " " + args[0] + " failed: " + output.strip());
        }
        return output;
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.notExists(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }

    private static void createPinFile(Path file) throws IOException {
        byte[] pin = new byte[16];
        RANDOM.nextBytes(pin);
        try {
            PinFile.create(file, HexFormat.of().formatHex(pin));
        } catch (FileAlreadyExistsException e) {
            // Idempotent: an existing PIN file is the token's PIN and is kept.
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
