package dev.mandate.server.http;

import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The route table: each endpoint adds its verbs here; {@link #finish()} then answers every other
 * method on a known path with 405 and every unknown path with 404, both as problem+json.
 */
public final class ApiRoutes {

    private final HttpRouting.Builder routing;
    private final Set<String> paths = new LinkedHashSet<>();

    public ApiRoutes(HttpRouting.Builder routing) {
        this.routing = routing;
    }

    public ApiRoutes get(String path, Handler handler) {
        paths.add(path);
        routing.get(path, handler);
        return this;
    }

    public ApiRoutes post(String path, Handler handler) {
        paths.add(path);
        routing.post(path, handler);
        return this;
    }

    public ApiRoutes put(String path, Handler handler) {
        paths.add(path);
        routing.put(path, handler);
        return this;
    }

    public ApiRoutes delete(String path, Handler handler) {
        paths.add(path);
        routing.delete(path, handler);
        return this;
    }

    public void finish() {
        for (String path : paths) {
            routing.any(path, (req, res) -> {
                throw new ApiException(ErrorCode.METHOD_NOT_ALLOWED,
                        "method " + req.prologue().method().text() + " is not allowed here");
            });
        }
        routing.any((req, res) -> {
            throw ApiException.notFound("no such endpoint");
        });
    }
}
