package dev.mandate.server.http;

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

    public static void handle(ServerRequest req, ServerResponse res, ApiException e) {
        send(req, res, e.code(), e.getMessage(), e.retryAfterSeconds());
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
        var body = Json.object()
                .add("type", "urn:mandate:error:" + code.code())
                .add("title", code.title())
                .add("status", code.status())
                .add("detail", detail)
                .add("instance", req.path().path())
                .add("error_code", code.code())
                .add("request_id", SecurityHeaders.requestId(req))
                .build();
        res.status(Status.create(code.status()));
        res.header(HeaderNames.CONTENT_TYPE, Json.PROBLEM_JSON);
        res.send(Json.bytes(body));
    }
}
