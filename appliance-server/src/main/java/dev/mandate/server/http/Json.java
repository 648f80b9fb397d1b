package dev.mandate.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;
import jakarta.json.JsonWriterFactory;
import jakarta.json.spi.JsonProvider;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Map;

/** JSON-P factories looked up once (a lookup per call is slow), and response writing. */
public final class Json {

    public static final String APPLICATION_JSON = "application/json";
    public static final String PROBLEM_JSON = "application/problem+json";

    /** Deepest nesting a request body may have: ours need 3; far below where a parser could recurse into trouble. */
    static final int MAX_DEPTH = 32;
    /**
     * Parsson's limits for untrusted input: bounded nesting, and duplicate keys refused (a second value
     * for a key is where two parsers disagree on what a request meant). Numbers are already bounded by
     * Parsson's default of 1,100 digits.
     */
    private static final Map<String, Object> UNTRUSTED = Map.of(
            "org.eclipse.parsson.maxDepth", MAX_DEPTH,
            "org.eclipse.parsson.rejectDuplicateKeys", true);

    private static final JsonProvider PROVIDER = JsonProvider.provider();
    private static final JsonBuilderFactory BUILDERS = PROVIDER.createBuilderFactory(Map.of());
    static final JsonReaderFactory READERS = PROVIDER.createReaderFactory(UNTRUSTED);
    static final jakarta.json.stream.JsonParserFactory PARSERS = PROVIDER.createParserFactory(UNTRUSTED);
    private static final JsonWriterFactory WRITERS = PROVIDER.createWriterFactory(Map.of());
    private static final DateTimeFormatter RFC3339 =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private Json() {
    }

    public static JsonObjectBuilder object() {
        return BUILDERS.createObjectBuilder();
    }

    public static JsonArrayBuilder array() {
        return BUILDERS.createArrayBuilder();
    }

    public static JsonArray strings(Collection<String> values) {
        JsonArrayBuilder b = array();
        values.forEach(b::add);
        return b.build();
    }

    /** RFC 3339 UTC, second precision: {@code 2026-11-23T19:51:14Z}. */
    public static String time(Instant instant) {
        return RFC3339.format(instant);
    }

    /** An optional time: the RFC 3339 string, or JSON {@code null}. */
    public static JsonValue timeOrNull(Instant instant) {
        return instant == null ? JsonValue.NULL : PROVIDER.createValue(time(instant));
    }

    public static byte[] bytes(JsonValue value) {
        var out = new ByteArrayOutputStream(256);
        try (var writer = WRITERS.createWriter(out)) {
            writer.write(value);
        }
        return out.toByteArray();
    }

    public static void send(ServerResponse res, int status, JsonValue body) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, APPLICATION_JSON);
        res.send(bytes(body));
    }

    public static void ok(ServerResponse res, JsonValue body) {
        send(res, 200, body);
    }

    public static JsonObject parse(String text) {
        try (var reader = READERS.createReader(new java.io.StringReader(text))) {
            return reader.readObject();
        }
    }
}
