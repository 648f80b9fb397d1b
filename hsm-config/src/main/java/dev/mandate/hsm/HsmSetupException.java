package dev.mandate.hsm;

/** The HSM or its configuration cannot be set up: missing tools or library, bad config, bad PIN file. */
public final class HsmSetupException extends HsmException {

    HsmSetupException(String message) {
        super(message);
    }

    HsmSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
