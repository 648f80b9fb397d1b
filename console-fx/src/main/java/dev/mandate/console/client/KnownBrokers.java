package dev.mandate.console.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The brokers whose certificate an operator accepted (trust on first use, as SSH's known_hosts): one line
 * per broker, {@code host:port SHA-256-fingerprint}, in a file of mode 0600. A broker that later presents
 * another certificate is refused, never silently re-accepted.
 */
public final class KnownBrokers {

    private final Path file;
    private final Map<String, String> fingerprints = new LinkedHashMap<>();

    public KnownBrokers(Path file) {
        this.file = file;
        if (Files.isRegularFile(file)) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String[] parts = line.strip().split("\\s+");
                    if (parts.length == 2) {
                        fingerprints.put(parts[0], parts[1]);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
    }

    /** {@code $XDG_CONFIG_HOME/mandate/known-brokers}, else {@code ~/.config/mandate/known-brokers}. */
    public static KnownBrokers userStore() {
        return new KnownBrokers(configDir().resolve("known-brokers"));
    }

    /** The console's own settings directory: {@code $XDG_CONFIG_HOME/mandate}, else {@code ~/.config/mandate}. */
    public static Path configDir() {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("mandate");
    }

    public Path file() {
        return file;
    }

    public synchronized Optional<String> fingerprint(String hostPort) {
        return Optional.ofNullable(fingerprints.get(hostPort));
    }

    /** Remembers {@code fingerprint} for {@code hostPort}; written to a new file that replaces the old one. */
    public synchronized void remember(String hostPort, String fingerprint) {
        fingerprints.put(hostPort, fingerprint);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".known-brokers", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            StringBuilder text = new StringBuilder();
            fingerprints.forEach((k, v) -> text.append(k).append(' ').append(v).append('\n'));
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
