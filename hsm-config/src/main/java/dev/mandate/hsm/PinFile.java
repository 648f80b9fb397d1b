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
        try {
            Files.writeString(Files.createFile(file,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                    pin + "\n", StandardCharsets.UTF_8, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
