package dev.mandate.server.http;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Problem+json for the requests Helidon refuses before routing (a malformed request line or header,
 * an over-long prologue): the same shape and headers as every other error, and nothing of the input
 * echoed back.
 */
public final class TransportProblems {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TransportProblems() {
    }

    public static DirectHandlers handlers() {
        var builder = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            builder.addHandler(type, TransportProblems::handle);
        }
        return builder.build();
    }

    private static DirectHandler.TransportResponse handle(DirectHandler.TransportRequest req, DirectHandler.EventType type,
                                                          Status status, ServerResponseHeaders headers, String message) {
        ErrorCode code = switch (status.code()) {
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            default -> status.code() < 500 ? ErrorCode.INVALID_REQUEST : ErrorCode.INTERNAL_ERROR;
        };
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        String requestId = HexFormat.of().formatHex(id);
        String path = req.path() == null ? "" : req.path();
        int query = path.indexOf('?');
        String instance = (query < 0 ? path : path.substring(0, query));
        if (instance.length() > 256 || !instance.matches("[A-Za-z0-9._~!$&'()*+,;=:@/%-]*")) {
            instance = "";
        }
        byte[] body = Json.bytes(Json.object()
                .add("type", "urn:mandate:error:" + code.code())
                .add("title", code.title())
                .add("status", status.code())
                .add("detail", code == ErrorCode.PAYLOAD_TOO_LARGE ? "request body exceeds " + JsonBody.MAX_BYTES + " bytes"
                        : "malformed HTTP request")
                .add("instance", instance)
                .add("error_code", code.code())
                .add("request_id", requestId)
                .build());
        return DirectHandler.TransportResponse.builder()
                .status(code == ErrorCode.PAYLOAD_TOO_LARGE ? Status.create(413, "Content Too Large") : status)
                .header(HeaderNames.CONTENT_TYPE, Json.PROBLEM_JSON)
                .header(SecurityHeaders.X_REQUEST_ID, requestId)
                .header(HeaderNames.create("X-Content-Type-Options"), "nosniff")
                .header(HeaderNames.create("X-Frame-Options"), "DENY")
                .header(HeaderNames.CACHE_CONTROL, "no-store")
                .keepAlive(false)
                .entity(body)
                .build();
    }
}
