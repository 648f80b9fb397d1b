package dev.mandate.hsm;

import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The key ceremony command line, for operators and the installer (picocli: subcommands, typed options,
 * generated usage). The token is SoftHSM2 under {@code --hsm-dir} (default {@code ./var/hsm}), or any
 * PKCS#11 module with {@code --library PATH --slot-index N --pin-file F}. Exit status: 0 done, 1 HSM
 * error, 2 usage.
 */
@Command(name = "key-ceremony", mixinStandardHelpOptions = true,
        description = "Provision the HSM token and manage the broker's signing keys.",
        subcommands = {KeyCeremony.Init.class, KeyCeremony.Generate.class, KeyCeremony.ListKeys.class,
                KeyCeremony.Destroy.class})
public final class KeyCeremony implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one ceremony command; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        PrintWriter outWriter = new PrintWriter(out, true, StandardCharsets.UTF_8);
        PrintWriter errWriter = new PrintWriter(err, true, StandardCharsets.UTF_8);
        CommandLine cli = new CommandLine(new KeyCeremony()).setOut(outWriter).setErr(errWriter)
                .setParameterExceptionHandler((e, args1) -> {
                    e.getCommandLine().getErr().println("key-ceremony: " + e.getMessage());
                    e.getCommandLine().usage(e.getCommandLine().getErr());
                    return CommandLine.ExitCode.USAGE;
                })
                .setExecutionExceptionHandler((e, commandLine, parsed) -> {
                    if (e instanceof HsmException) {
                        commandLine.getErr().println("key-ceremony: " + e.getMessage());
                        return CommandLine.ExitCode.SOFTWARE;
                    }
                    throw e;
                });
        int status = cli.execute(args);
        outWriter.flush();
        errWriter.flush();
        return status;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a command is required: init, generate, list or destroy");
    }

    /** Which token: SoftHSM2 under a directory, or any PKCS#11 module. */
    static final class HsmOptions {
        @Option(names = "--hsm-dir", paramLabel = "DIR", description = "SoftHSM2 token directory (default: ${DEFAULT-VALUE})",
                defaultValue = "var/hsm")
        Path hsmDir;

        @ArgGroup(exclusive = false)
        Module module;

        static final class Module {
            @Option(names = "--library", paramLabel = "PATH", required = true, description = "PKCS#11 module")
            Path library;

            @Option(names = "--slot-index", paramLabel = "N", defaultValue = "0", description = "slot index (default: 0)")
            int slotIndex;

            @Option(names = "--pin-file", paramLabel = "FILE", required = true, description = "file holding the user PIN")
            Path pinFile;
        }

        HsmConfig config() {
            return module == null ? HsmConfig.softHsm(hsmDir)
                    : HsmConfig.pkcs11(module.library, module.slotIndex, module.pinFile);
        }
    }

    @Command(name = "init", mixinStandardHelpOptions = true, description = "Provision a SoftHSM2 token (idempotent).")
    static final class Init implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--hsm-dir", paramLabel = "DIR", defaultValue = "var/hsm", description = "token directory")
        Path hsmDir;

        @Option(names = "--token-label", paramLabel = "L", defaultValue = "mandate", description = "token label")
        String tokenLabel;

        @Override
        public Integer call() {
            var token = new SoftHsmProvisioner().provision(hsmDir, tokenLabel);
            spec.commandLine().getOut().println((token.created() ? "created" : "exists ") + " token '" + token.label()
                    + "' in " + token.hsmDir() + "\nset SOFTHSM2_CONF=" + token.hsmDir().resolve(SoftHsmProvisioner.CONF_FILE));
            return 0;
        }
    }

    /** A command on one key of the token, named by its label. */
    abstract static class OnOneKey implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @CommandLine.Mixin
        HsmOptions hsm;

        @Option(names = "--label", paramLabel = "L", description = "the key's label")
        String label;

        @Override
        public Integer call() {
            String required = required(spec, "--label", label);
            try (Hsm token = Hsm.open(hsm.config())) {
                run(token, required);
            }
            return 0;
        }

        abstract void run(Hsm token, String label);
    }

    @Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate an EC P-256 signing key in the token.")
    static final class Generate extends OnOneKey {
        @Override
        void run(Hsm token, String label) {
            print(spec, List.of(token.generateSigningKey(label)));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List signing keys: label, id, kid, created.")
    static final class ListKeys implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @CommandLine.Mixin
        HsmOptions hsm;

        @Override
        public Integer call() {
            try (Hsm token = Hsm.open(hsm.config())) {
                print(spec, token.listKeys());
            }
            return 0;
        }
    }

    @Command(name = "destroy", mixinStandardHelpOptions = true, description = "Destroy a signing key.")
    static final class Destroy extends OnOneKey {
        @Override
        void run(Hsm token, String label) {
            token.destroy(label);
            spec.commandLine().getOut().println("destroyed " + label);
        }
    }

    /** A required option, checked here so a blank value is refused as firmly as a missing one. */
    private static String required(CommandSpec spec, String name, String value) {
        if (value == null || value.isBlank()) {
            throw new ParameterException(spec.commandLine(), name + " is required");
        }
        return value;
    }

    private static void print(CommandSpec spec, List<SigningKey> keys) {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-24s %-40s %-44s %s%n", "LABEL", "ID", "KID", "CREATED");
        for (SigningKey k : keys) {
            out.printf("%-24s %-40s %-44s %s%n", k.label(), k.id(), k.kid(), k.createdAt());
        }
    }
}
