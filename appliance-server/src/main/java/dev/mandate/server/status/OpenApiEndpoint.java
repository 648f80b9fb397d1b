package dev.mandate.server.status;

import dev.mandate.server.http.ApiRoutes;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /v1/openapi.json}: the OpenAPI 3.1 document of the whole API, written by hand next to the code
 * ({@code openapi.json} on the classpath) and held to the route table by OpenApiTest: every route served is
 * documented, and nothing is documented that is not served.
 */
public final class OpenApiEndpoint {

    public static final String PATH = "/v1/openapi.json";
    private final byte[] document;

    public OpenApiEndpoint() {
        try (InputStream in = OpenApiEndpoint.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the broker's jar");
            }
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void routing(ApiRoutes routes) {
        routes.get(PATH, this::document);
    }

    private void document(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.header(HeaderNames.CACHE_CONTROL, "public, max-age=300");
        res.send(document);
    }
}
