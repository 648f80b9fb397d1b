package dev.mandate.server.http;

/** The problem codes of the API, with their HTTP status and title. */
public enum ErrorCode {
    INVALID_REQUEST(400, "Bad Request"),
    INVALID_TTL(400, "Bad Request"),
    UNSUPPORTED_GRANT_TYPE(400, "Bad Request"),
    INVALID_TARGET(400, "Bad Request"),
    UNAUTHORIZED(401, "Unauthorized"),
    INSUFFICIENT_SCOPE(403, "Forbidden"),
    SCOPE_VIOLATION(403, "Forbidden"),
    FORBIDDEN(403, "Forbidden"),
    NOT_FOUND(404, "Not Found"),
    METHOD_NOT_ALLOWED(405, "Method Not Allowed"),
    CONFLICT(409, "Conflict"),
    PAYLOAD_TOO_LARGE(413, "Content Too Large"),
    RATE_LIMITED(429, "Too Many Requests"),
    INTERNAL_ERROR(500, "Internal Server Error"),
    HSM_UNAVAILABLE(503, "Service Unavailable"),
    OVERLOADED(503, "Service Unavailable"),
    UNAVAILABLE(503, "Service Unavailable");

    private final int status;
    private final String title;

    ErrorCode(int status, String title) {
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** The wire name: {@code invalid_request}, {@code hsm_unavailable}, … */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
