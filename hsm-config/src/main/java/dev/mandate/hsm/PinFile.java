package dev.mandate.hsm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** A PIN kept in a file of mode 0600: one line, read only at login. */
public final class PinFile {

    private PinFile() {
    }

    /** Writes {@code pin} to a new file created with mode 0600; fails if the file exists. */
    public static void create(Path file, String pin) throws FileAlreadyExistsException {
        // Written whole under a temporary name, then linked into place (link(2) never replaces a file):
        // a reader, another process starting on the same directory say, never sees it half written.
        Path temporary = null;
        try {
            temporary = Files.createTempFile(file.toAbsolutePath().getParent(), ".pin-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temporary, pin + "\n", StandardCharsets.UTF_8, StandardOpenOption.WRITE);
            Files.createLink(file, temporary);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException e) {
                    // Left behind: a temporary name, mode 0600.
                }
            }
        }
    }

    /** Reads the PIN; refuses a file that group or others can read. The message never holds the PIN. */
    public static String read(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
                throw new HsmSetupException("PIN file " + file + " is readable by group or others; chmod 600 it");
            }
            String pin = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (pin.isEmpty()) {
                throw new HsmSetupException("PIN file " + file + " is empty");
            }
            return pin;
        } catch (IOException e) {
            throw new HsmSetupException("cannot read PIN file " + file + ": " + e.getClass().getSimpleName(), e);
        }
    }
}
