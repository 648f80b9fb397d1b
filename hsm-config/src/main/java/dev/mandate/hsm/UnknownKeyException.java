package dev.mandate.hsm;

/** No signing key with the given label exists on the token. */
public final class UnknownKeyException extends HsmException {

    UnknownKeyException(String label) {
        super("no signing key labelled '" + label + "' on the token");
    }
}
