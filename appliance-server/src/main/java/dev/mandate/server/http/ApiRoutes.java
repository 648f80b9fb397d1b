package dev.mandate.server.http;

import dev.mandate.server.error.Refusal;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The route table: each endpoint adds its verbs here; {@link #finish()} then answers every other
 * method on a known path with 405 and every unknown path with 404, both as problem+json. Every route
 * is timed into {@code mandate_http_server_requests_seconds{method, route, status}}, labelled with its
 * path template (never the raw path, so the number of series stays bounded).
 */
public final class ApiRoutes {

    /** Histogram buckets from 1 ms to 10 s: enough to see an HSM or a commit stall, few enough to keep series small. */
    private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(10)};

    private final HttpRouting.Builder routing;
    private final MeterRegistry meters;
    private final Set<String> paths = new LinkedHashSet<>();
    private final java.util.List<String> routes = new java.util.ArrayList<>();

    public ApiRoutes(HttpRouting.Builder routing, MeterRegistry meters) {
        this.routing = routing;
        this.meters = meters;
    }

    public ApiRoutes get(String path, Handler handler) {
        add("GET", path);
        routing.get(path, timed("GET", path, handler));
        return this;
    }

    public ApiRoutes post(String path, Handler handler) {
        add("POST", path);
        routing.post(path, timed("POST", path, handler));
        return this;
    }

    public ApiRoutes put(String path, Handler handler) {
        add("PUT", path);
        routing.put(path, timed("PUT", path, handler));
        return this;
    }

    public ApiRoutes delete(String path, Handler handler) {
        add("DELETE", path);
        routing.delete(path, timed("DELETE", path, handler));
        return this;
    }

    private void add(String method, String path) {
        paths.add(path);
        routes.add(method + " " + path);
    }

    /** Every route added, as {@code METHOD /path/{template}}, in the order added. */
    public java.util.List<String> routes() {
        return java.util.List.copyOf(routes);
    }

    public void finish() {
        for (String path : paths) {
            routing.any(path, timed("other", path, (req, res) -> {
                throw Refusal.methodNotAllowed(
                        "method " + req.prologue().method().text() + " is not allowed here");
            }));
        }
        routing.any(timed("other", "unmatched", (req, res) -> {
            throw Refusal.notFound("no such endpoint");
        }));
    }

    /** Whether raw URI text carries an encoded NUL ({@code %00}); a raw NUL never gets past the HTTP parser. */
    private static boolean encodesNul(String raw) {
        return raw != null && raw.contains("%00");   // no letter in it: no case to fold
    }

    /**
     * Records the handler's time and the status it answers; a thrown {@link Refusal} counts with its
     * own status, anything else as the 500 that {@link Problems} will send.
     */
    private Handler timed(String method, String route, Handler handler) {
        // One timer per status this route has answered, looked up without building a meter id per request.
        java.util.Map<Integer, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();
        return (req, res) -> {
            long start = System.nanoTime();
            int status = 500;
            try {
                if (encodesNul(req.query().rawValue()) || encodesNul(req.path().rawPath())) {
                    // As in bodies (JsonBody, FormBody): PostgreSQL cannot store U+0000, and no parameter needs it.
                    throw Refusal.badRequest("text must not contain U+0000");
                }
                handler.handle(req, res);
                status = res.status().code();
            } catch (Refusal e) {
                status = Problems.code(e).status();
                throw e;
            } finally {
                timers.computeIfAbsent(status, s -> Timer.builder("mandate.http.server.requests")
                                .description("HTTP requests by route template, method and status")
                                .tags("method", method, "route", route, "status", Integer.toString(s))
                                .serviceLevelObjectives(BUCKETS)
                                .register(meters))
                        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        };
    }
}
