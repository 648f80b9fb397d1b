package dev.mandate.server.http;

import dev.mandate.server.error.Refusal;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * On every response: {@code X-Request-ID} (the client's if it is safe to echo, else a new one),
 * {@code nosniff}, {@code DENY} framing, {@code no-store} caching (endpoints that may be cached say
 * so themselves), HSTS under TLS. Also refuses a declared body over 1 MiB before any handler runs.
 */
public final class SecurityHeaders implements Filter {

    public static final HeaderName X_REQUEST_ID = HeaderNames.create("X-Request-ID");
    private static final HeaderName X_FRAME_OPTIONS = HeaderNames.create("X-Frame-Options");
    private static final HeaderName X_CONTENT_TYPE_OPTIONS = HeaderNames.create("X-Content-Type-Options");
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final String CONTEXT_KEY = "mandate.request-id";

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String requestId = req.headers().first(X_REQUEST_ID).filter(id -> SAFE_ID.matcher(id).matches())
                .orElseGet(SecurityHeaders::newId);
        req.context().register(CONTEXT_KEY, requestId);
        apply(req, res);
        var length = req.headers().contentLength();
        if (length.isPresent() && length.getAsLong() > JsonBody.MAX_BYTES) {
            throw Refusal.payloadTooLarge("request body exceeds " + JsonBody.MAX_BYTES + " bytes");
        }
        chain.proceed();
    }

    /** This request's id (the one its response carries). */
    public static String requestId(ServerRequest req) {
        return req.context().get(CONTEXT_KEY, String.class).orElseGet(() -> {
            String id = newId();
            req.context().register(CONTEXT_KEY, id);
            return id;
        });
    }

    /** Sets the headers every response carries; the error path calls it again, as Helidon resets headers there. */
    static void apply(ServerRequest req, ServerResponse res) {
        res.header(X_REQUEST_ID, requestId(req));
        res.header(X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.header(X_FRAME_OPTIONS, "DENY");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        if (req.isSecure()) {
            res.header(HeaderNames.STRICT_TRANSPORT_SECURITY, "max-age=31536000");
        }
    }

    private static String newId() {
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }
}
