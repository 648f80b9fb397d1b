package dev.mandate.server.error;

import java.util.Objects;

/**
 * Why the broker will not do what was asked: the one family of exceptions that capabilities throw. It
 * says what went wrong in the broker's terms; {@code http.Problems} alone decides how that looks on the
 * wire (status, problem+json code), with an exhaustive switch over this sealed family, so a new kind of
 * refusal does not compile until the edge knows how to answer it. The detail is shown to the client:
 * it never holds a secret, a token, or which check a token failed.
 */
public abstract sealed class Refusal extends RuntimeException {

    private Refusal(String detail) {
        super(Objects.requireNonNull(detail, "detail"), null, false, false);
    }

    /** Malformed or missing input. */
    public static final class InvalidRequest extends Refusal {
        InvalidRequest(String detail) {
            super(detail);
        }
    }

    /** An OAuth grant type the token endpoint does not serve (RFC 6749 §5.2 {@code unsupported_grant_type}). */
    public static final class UnsupportedGrantType extends Refusal {
        UnsupportedGrantType(String detail) {
            super(detail);
        }
    }

    /** A resource indicator (RFC 8707) that is malformed or not one this token may be for ({@code invalid_target}). */
    public static final class InvalidTarget extends Refusal {
        InvalidTarget(String detail) {
            super(detail);
        }
    }

    /** A lifetime that is zero, negative or out of range. */
    public static final class InvalidTtl extends Refusal {
        InvalidTtl(String detail) {
            super(detail);
        }
    }

    /** No valid credential, or one that has expired or been revoked. */
    public static final class Unauthorized extends Refusal {
        Unauthorized(String detail) {
            super(detail);
        }
    }

    /** A valid credential that lacks the scope a route needs. */
    public static final class InsufficientScope extends Refusal {
        InsufficientScope(String detail) {
            super(detail);
        }
    }

    /** A request for more scope than the requester holds, or a reserved one. */
    public static final class ScopeViolation extends Refusal {
        ScopeViolation(String detail) {
            super(detail);
        }
    }

    /** Allowed in general, not in this case (a revoked agent, a ceiling exceeded, …). */
    public static final class Forbidden extends Refusal {
        Forbidden(String detail) {
            super(detail);
        }
    }

    public static final class NotFound extends Refusal {
        NotFound(String detail) {
            super(detail);
        }
    }

    public static final class MethodNotAllowed extends Refusal {
        MethodNotAllowed(String detail) {
            super(detail);
        }
    }

    /** The request contradicts what exists (a duplicate name, a key already waiting). */
    public static final class Conflict extends Refusal {
        Conflict(String detail) {
            super(detail);
        }
    }

    public static final class PayloadTooLarge extends Refusal {
        PayloadTooLarge(String detail) {
            super(detail);
        }
    }

    /** Too many requests; try again after {@link #retryAfterSeconds()}. */
    public static final class RateLimited extends Refusal {
        private final long retryAfterSeconds;

        RateLimited(long retryAfterSeconds) {
            super("rate limit exceeded");
            this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /** The HSM cannot sign now: issuing waits, validation goes on. */
    public static final class HsmUnavailable extends Refusal {
        HsmUnavailable() {
            super("the HSM is unavailable; try again shortly");
        }
    }

    /**
     * This node cannot serve the request now and another node (or this one shortly) can: its database is
     * unreachable, or it cannot show it holds every revocation the cluster committed (503, Retry-After).
     */
    public static final class Unavailable extends Refusal {
        Unavailable(String detail) {
            super(detail);
        }
    }

    public static Refusal unavailable(String detail) {
        return new Unavailable(detail);
    }

    /** More changes are waiting for the database than it queues: come back in a second (503, Retry-After). */
    public static final class Overloaded extends Refusal {
        Overloaded() {
            super("too many changes are waiting to be written; try again shortly");
        }
    }

    public static Refusal overloaded() {
        return new Overloaded();
    }

    public static Refusal badRequest(String detail) {
        return new InvalidRequest(detail);
    }

    public static Refusal unsupportedGrantType(String detail) {
        return new UnsupportedGrantType(detail);
    }

    public static Refusal invalidTarget(String detail) {
        return new InvalidTarget(detail);
    }

    public static Refusal invalidTtl(String detail) {
        return new InvalidTtl(detail);
    }

    public static Refusal unauthorized(String detail) {
        return new Unauthorized(detail);
    }

    public static Refusal forbidden(String detail) {
        return new Forbidden(detail);
    }

    public static Refusal scopeViolation(String detail) {
        return new ScopeViolation(detail);
    }

    public static Refusal insufficientScope(String detail) {
        return new InsufficientScope(detail);
    }

    public static Refusal notFound(String detail) {
        return new NotFound(detail);
    }

    public static Refusal methodNotAllowed(String detail) {
        return new MethodNotAllowed(detail);
    }

    public static Refusal conflict(String detail) {
        return new Conflict(detail);
    }

    public static Refusal payloadTooLarge(String detail) {
        return new PayloadTooLarge(detail);
    }

    public static Refusal rateLimited(long retryAfterSeconds) {
        return new RateLimited(retryAfterSeconds);
    }

    public static Refusal hsmUnavailable() {
        return new HsmUnavailable();
    }

    /** The one message for every failed Bearer check: which check failed is never said. */
    public static Refusal tokenVerificationFailed() {
        return new Unauthorized("token verification failed");
    }
}
