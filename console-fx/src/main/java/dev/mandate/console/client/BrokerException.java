package dev.mandate.console.client;

/** The broker answered with a problem, or could not be reached. The message is safe to show. */
public final class BrokerException extends RuntimeException {

    private final int status;

    public BrokerException(int status, String message) {
        super(message);
        this.status = status;
    }

    public BrokerException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    /** HTTP status, or 0 when the broker was not reached. */
    public int status() {
        return status;
    }
}
