package dev.mandate.hsm;

/** The HSM cannot be reached or refuses the login: signing is impossible until it is back. */
public final class HsmUnavailableException extends HsmException {

    HsmUnavailableException(String message) {
        super(message);
    }

    HsmUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
