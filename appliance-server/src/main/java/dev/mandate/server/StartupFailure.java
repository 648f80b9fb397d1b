package dev.mandate.server;

/**
 * Why the broker could not start, as one line for an operator: the cause and the setting to change.
 * {@link Main#main} prints it and exits with {@link Reason#exitCode()}, so a supervisor or a script
 * never mistakes a failed start for a clean stop. The codes are documented in the README.
 */
public final class StartupFailure extends RuntimeException {

    /** What failed; each has its own exit status. */
    public enum Reason {
        /** A setting or file of the configuration is missing, unreadable or invalid: restarting will not help. */
        CONFIGURATION(2),
        /** The listen address cannot be bound (in use, not local, not permitted). */
        LISTEN(3),
        /** The PKCS#11 library, slot or login failed. */
        HSM(4),
        /** The data directory or its database cannot be opened (for example locked by another broker). */
        DATABASE(5);

        private final int exitCode;

        Reason(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    private final Reason reason;

    public StartupFailure(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
