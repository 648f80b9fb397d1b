package dev.mandate.hsm;

/** Every failure this package reports. Messages name tokens, labels and files, never PINs or key bytes. */
public sealed class HsmException extends RuntimeException
        permits HsmUnavailableException, UnknownKeyException, HsmSetupException {

    HsmException(String message) {
        super(message);
    }

    HsmException(String message, Throwable cause) {
        super(message, cause);
    }
}
