package dev.mandate.server.http;

import java.util.Objects;

/**
 * A request that cannot be served as asked. Thrown anywhere below an endpoint; turned into
 * problem+json by {@link Problems}, nowhere else. The detail is shown to the client, so it never
 * holds a secret, a token, or the reason a token check failed.
 */
public final class ApiException extends RuntimeException {

    private final ErrorCode code;
    private final long retryAfterSeconds;

    public ApiException(ErrorCode code, String detail) {
        this(code, detail, 0);
    }

    private ApiException(ErrorCode code, String detail, long retryAfterSeconds) {
        super(Objects.requireNonNull(detail, "detail"), null, false, false);
        this.code = Objects.requireNonNull(code, "code");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public ErrorCode code() {
        return code;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(ErrorCode.INVALID_REQUEST, detail);
    }

    public static ApiException invalidTtl(String detail) {
        return new ApiException(ErrorCode.INVALID_TTL, detail);
    }

    public static ApiException unauthorized(String detail) {
        return new ApiException(ErrorCode.UNAUTHORIZED, detail);
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(ErrorCode.FORBIDDEN, detail);
    }

    public static ApiException scopeViolation(String detail) {
        return new ApiException(ErrorCode.SCOPE_VIOLATION, detail);
    }

    public static ApiException insufficientScope(String detail) {
        return new ApiException(ErrorCode.INSUFFICIENT_SCOPE, detail);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(ErrorCode.NOT_FOUND, detail);
    }

    public static ApiException conflict(String detail) {
        return new ApiException(ErrorCode.CONFLICT, detail);
    }

    public static ApiException rateLimited(long retryAfterSeconds) {
        return new ApiException(ErrorCode.RATE_LIMITED, "rate limit exceeded", Math.max(1, retryAfterSeconds));
    }

    public static ApiException hsmUnavailable() {
        return new ApiException(ErrorCode.HSM_UNAVAILABLE, "the HSM is unavailable; try again shortly");
    }

    /** The one message for every failed Bearer check: which check failed is never said. */
    public static ApiException tokenVerificationFailed() {
        return new ApiException(ErrorCode.UNAUTHORIZED, "token verification failed");
    }
}
