package dev.mandate.hsm;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The key ceremony command line, for operators and the installer:
 * <pre>
 *   init      --hsm-dir DIR [--token-label L]   provision a SoftHSM2 token (idempotent)
 *   generate  --label L                         generate a P-256 signing key in the token
 *   list                                        label, id, kid and creation time of every key
 *   destroy   --label L                         destroy a key
 * </pre>
 * The token is SoftHSM2 under {@code --hsm-dir} (default {@code ./var/hsm}), or any PKCS#11 module with
 * {@code --library PATH --slot-index N --pin-file F}. Exit status: 0 done, 1 HSM error, 2 usage.
 */
public final class KeyCeremony {

    static final String USAGE = """
            usage: key-ceremony <init|generate|list|destroy> [options]
              init      --hsm-dir DIR [--token-label L]   provision a SoftHSM2 token (idempotent)
              generate  --label L                         generate an EC P-256 signing key in the token
              list                                        list signing keys: label, id, kid, created
              destroy   --label L                         destroy a signing key
            HSM options: --hsm-dir DIR (SoftHSM2, default ./var/hsm)
                         or --library PATH --slot-index N --pin-file FILE (any PKCS#11 module)""";

    private static final Set<String> OPTIONS =
            Set.of("--hsm-dir", "--token-label", "--label", "--library", "--slot-index", "--pin-file");

    private KeyCeremony() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one ceremony command; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            if (!OPTIONS.contains(args[i]) || i + 1 >= args.length) {
                err.println("key-ceremony: unknown or incomplete option '" + args[i] + "'\n" + USAGE);
                return 2;
            }
            options.put(args[i], args[i + 1]);
        }
        try {
            switch (args[0]) {
                case "init" -> init(options, out);
                case "generate" -> {
                    try (Hsm hsm = Hsm.open(config(options))) {
                        print(out, List.of(hsm.generateSigningKey(required(options, "--label"))));
                    }
                }
                case "list" -> {
                    try (Hsm hsm = Hsm.open(config(options))) {
                        print(out, hsm.listKeys());
                    }
                }
                case "destroy" -> {
                    String label = required(options, "--label");
                    try (Hsm hsm = Hsm.open(config(options))) {
                        hsm.destroy(label);
                    }
                    out.println("destroyed " + label);
                }
                default -> {
                    err.println("key-ceremony: unknown command '" + args[0] + "'\n" + USAGE);
                    return 2;
                }
            }
            return 0;
        } catch (UsageException e) {
            err.println("key-ceremony: " + e.getMessage() + "\n" + USAGE);
            return 2;
        } catch (HsmException e) {
            err.println("key-ceremony: " + e.getMessage());
            return 1;
        }
    }

    private static void init(Map<String, String> options, PrintStream out) {
        Path hsmDir = Path.of(options.getOrDefault("--hsm-dir", "var/hsm"));
        var token = new SoftHsmProvisioner().provision(hsmDir, options.getOrDefault("--token-label", "mandate"));
        out.println((token.created() ? "created" : "exists ") + " token '" + token.label() + "' in " + token.hsmDir()
                + "\nset SOFTHSM2_CONF=" + token.hsmDir().resolve(SoftHsmProvisioner.CONF_FILE));
    }

    private static HsmConfig config(Map<String, String> options) {
        if (options.containsKey("--library")) {
            String index = options.getOrDefault("--slot-index", "0");
            try {
                return HsmConfig.pkcs11(Path.of(options.get("--library")), Integer.parseInt(index),
                        Path.of(required(options, "--pin-file")));
            } catch (NumberFormatException e) {
                throw new UsageException("--slot-index must be a number, not '" + index + "'");
            }
        }
        return HsmConfig.softHsm(Path.of(options.getOrDefault("--hsm-dir", "var/hsm")));
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new UsageException(name + " is required");
        }
        return value;
    }

    private static void print(PrintStream out, List<SigningKey> keys) {
        out.printf("%-24s %-40s %-44s %s%n", "LABEL", "ID", "KID", "CREATED");
        for (SigningKey k : keys) {
            out.printf("%-24s %-40s %-44s %s%n", k.label(), k.id(), k.kid(), k.createdAt());
        }
    }

    private static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
