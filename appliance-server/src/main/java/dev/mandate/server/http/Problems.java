package dev.mandate.server.http;

import dev.mandate.server.error.Refusal;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.lang.System.Logger.Level;

/** Turns every failure into RFC 9457 problem+json: the one place errors become responses. */
public final class Problems {

    private static final System.Logger LOG = System.getLogger(Problems.class.getName());

    private Problems() {
    }

    public static void handle(ServerRequest req, ServerResponse res, Refusal e) {
        send(req, res, code(e), e.getMessage(), e instanceof Refusal.RateLimited r ? r.retryAfterSeconds() : e instanceof Refusal.Overloaded || e instanceof Refusal.Unavailable ? 1 : 0);
    }

    /** The problem code (and with it the status) of a refusal: the one place the family meets HTTP. */
    public static ErrorCode code(Refusal refusal) {
        return switch (refusal) {
            case Refusal.InvalidRequest r -> ErrorCode.INVALID_REQUEST;
            case Refusal.InvalidTtl r -> ErrorCode.INVALID_TTL;
            case Refusal.UnsupportedGrantType r -> ErrorCode.UNSUPPORTED_GRANT_TYPE;
            case Refusal.InvalidTarget r -> ErrorCode.INVALID_TARGET;
            case Refusal.Unauthorized r -> ErrorCode.UNAUTHORIZED;
            case Refusal.InsufficientScope r -> ErrorCode.INSUFFICIENT_SCOPE;
            case Refusal.ScopeViolation r -> ErrorCode.SCOPE_VIOLATION;
            case Refusal.Forbidden r -> ErrorCode.FORBIDDEN;
            case Refusal.NotFound r -> ErrorCode.NOT_FOUND;
            case Refusal.MethodNotAllowed r -> ErrorCode.METHOD_NOT_ALLOWED;
            case Refusal.Conflict r -> ErrorCode.CONFLICT;
            case Refusal.PayloadTooLarge r -> ErrorCode.PAYLOAD_TOO_LARGE;
            case Refusal.RateLimited r -> ErrorCode.RATE_LIMITED;
            case Refusal.HsmUnavailable r -> ErrorCode.HSM_UNAVAILABLE;
            case Refusal.Overloaded r -> ErrorCode.OVERLOADED;
            case Refusal.Unavailable r -> ErrorCode.UNAVAILABLE;
        };
    }

    /** The OAuth token endpoint (RFC 8693 token exchange), whose problems also carry RFC 6749's {@code error}. */
    public static final String OAUTH_TOKEN_PATH = "/v1/oauth/token";

    /**
     * RFC 6749 §5.2 / RFC 8693 §2.2.2 / RFC 8707 §2 error codes for the token endpoint's refusals: a subject
     * token that is invalid or unacceptable by policy is {@code invalid_request} (RFC 8693), an audience or
     * resource the broker will not issue for is {@code invalid_target}.
     */
    private static String oauthError(ErrorCode code) {
        return switch (code) {
            case UNSUPPORTED_GRANT_TYPE -> "unsupported_grant_type";
            case SCOPE_VIOLATION, INSUFFICIENT_SCOPE -> "invalid_scope";
            case NOT_FOUND, INVALID_TARGET -> "invalid_target";
            case INTERNAL_ERROR -> "server_error";
            case HSM_UNAVAILABLE, OVERLOADED, UNAVAILABLE, RATE_LIMITED -> "temporarily_unavailable";
            default -> "invalid_request";
        };
    }

    /** Anything unexpected: logged once with the request id, answered without detail. */
    public static void unexpected(ServerRequest req, ServerResponse res, Throwable e) {
        LOG.log(Level.ERROR, "request " + SecurityHeaders.requestId(req) + " " + req.prologue().method().text() + " "
                + req.path().path() + " failed: " + e.getClass().getName(), e);
        send(req, res, ErrorCode.INTERNAL_ERROR, "internal error", 0);
    }

    private static void send(ServerRequest req, ServerResponse res, ErrorCode code, String detail, long retryAfter) {
        if (res.isSent()) {
            return;
        }
        // Helidon clears the response headers before an error handler runs: set them again.
        SecurityHeaders.apply(req, res);
        if (retryAfter > 0) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(retryAfter));
        }
        var body = Json.object();
        if (req.path().path().equals(OAUTH_TOKEN_PATH)) {
            body.add("error", oauthError(code));   // RFC 6749 §5.2, for OAuth libraries, beside the problem's members
        }
        body.add("type", "urn:mandate:error:" + code.code())
                .add("title", code.title())
                .add("status", code.status())
                .add("detail", detail)
                .add("instance", req.path().path())
                .add("error_code", code.code())
                .add("request_id", SecurityHeaders.requestId(req));
        res.status(Status.create(code.status()));
        res.header(HeaderNames.CONTENT_TYPE, Json.PROBLEM_JSON);
        res.send(Json.bytes(body.build()));
    }
}
