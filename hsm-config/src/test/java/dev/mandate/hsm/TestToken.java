package dev.mandate.hsm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The real SoftHSM2 token of this test JVM.
 *
 * <p>SoftHSM2 reads {@code SOFTHSM2_CONF} once, when the library loads, and never sees tokens created
 * after that. So each test JVM gets one token: the build points {@code SOFTHSM2_CONF} into a directory
 * under {@code target/}, and the first test to ask wipes that directory and provisions a fresh token
 * there with {@link SoftHsmProvisioner}. Tests give their keys unique labels.
 */
public final class TestToken {

    private static final AtomicInteger LABELS = new AtomicInteger();
    private static SoftHsmProvisioner.Token token;

    private TestToken() {
    }

    public static synchronized SoftHsmProvisioner.Token shared() {
        if (token == null) {
            String conf = System.getenv("SOFTHSM2_CONF");
            if (conf == null || !conf.endsWith("/" + SoftHsmProvisioner.CONF_FILE) || !conf.contains("/target/")) {
                throw new IllegalStateException("tests need SOFTHSM2_CONF=<module>/target/<dir>/softhsm2.conf, not " + conf);
            }
            Path dir = Path.of(conf).getParent();
            deleteRecursively(dir);
            token = new SoftHsmProvisioner().provision(dir, "mandate-test");
        }
        return token;
    }

    public static HsmConfig config() {
        return shared().config();
    }

    public static Hsm open() {
        return Hsm.open(config());
    }

    /** A key label no other test in this JVM uses. */
    public static String uniqueLabel(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + LABELS.incrementAndGet();
    }

    /** Runs OpenSC's pkcs11-tool against the token, logged in with the user PIN passed through the environment. */
    public static String pkcs11Tool(String... args) {
        Path dir = shared().hsmDir();
        List<String> command = new ArrayList<>(List.of("pkcs11-tool", "--module", HsmConfig.SOFTHSM_LIBRARY.toString(),
                "--login", "--pin", "env:TEST_USER_PIN"));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SOFTHSM2_CONF", dir.resolve(SoftHsmProvisioner.CONF_FILE).toString());
        builder.environment().put("TEST_USER_PIN", PinFile.read(dir.resolve(SoftHsmProvisioner.USER_PIN_FILE)));
        return run(builder);
    }

    /** Runs a process to its end and returns what it printed; fails the test if it exits non-zero. */
    static String run(ProcessBuilder builder) {
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(builder.command().getFirst() + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (Files.notExists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
