package dev.mandate.server.http;

import dev.mandate.server.error.Refusal;
import io.helidon.webserver.http.ServerRequest;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A request's JSON object body, read with the 1 MiB limit and checked field by field: a missing
 * required field or a wrong type is a 400 naming the field; unknown fields are ignored; JSON
 * {@code null} counts as absent.
 */
public final class JsonBody {

    /** Bodies over this many bytes answer 413. */
    public static final int MAX_BYTES = 1 << 20;

    private final JsonObject object;

    private JsonBody(JsonObject object) {
        this.object = object;
    }

    public static JsonBody read(ServerRequest req) {
        byte[] bytes = readLimited(req);
        if (bytes.length == 0) {
            throw Refusal.badRequest("request body must be a JSON object");
        }
        try (JsonParser parser = Json.PARSERS.createParser(new ByteArrayInputStream(bytes))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                throw Refusal.badRequest("request body must be a JSON object");
            }
            JsonObject object = parser.getObject();
            if (parser.hasNext()) {
                throw Refusal.badRequest("malformed JSON body: content after the object");
            }
            if (holdsNul(object)) {
                throw Refusal.badRequest("text must not contain U+0000");
            }
            return new JsonBody(object);
        } catch (Refusal e) {
            throw e;
        } catch (RuntimeException e) {
            // Parsson reports syntax (JsonParsingException), bad encodings (JsonException), nesting past
            // MAX_DEPTH (RuntimeException) and numbers past its digit limit (UnsupportedOperationException):
            // for a request body each of them is the client's malformed JSON.
            throw Refusal.badRequest("malformed JSON body");
        }
    }

    /**
     * Whether any name or string in {@code value} holds U+0000: no field has a use for it, and PostgreSQL
     * refuses it in text (SQLSTATE 22021), which would turn bad input into what looks like an outage.
     */
    private static boolean holdsNul(jakarta.json.JsonValue value) {
        return switch (value) {
            case jakarta.json.JsonString s -> s.getString().indexOf('\0') >= 0;
            case JsonObject o -> o.entrySet().stream().anyMatch(e -> e.getKey().indexOf('\0') >= 0 || holdsNul(e.getValue()));
            case jakarta.json.JsonArray a -> a.stream().anyMatch(JsonBody::holdsNul);
            default -> false;
        };
    }

    /** The raw body, at most {@link #MAX_BYTES}; more is a 413. */
    public static byte[] readLimited(ServerRequest req) {
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = req.content().inputStream()) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw Refusal.payloadTooLarge("request body exceeds " + MAX_BYTES + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A required, non-blank string. */
    public String string(String name) {
        return optionalString(name).filter(s -> !s.isBlank())
                .orElseThrow(() -> Refusal.badRequest("'" + name + "' is required"));
    }

    public Optional<String> optionalString(String name) {
        JsonValue v = object.get(name);
        if (v == null || v == JsonValue.NULL) {
            return Optional.empty();
        }
        if (v instanceof JsonString s) {
            return Optional.of(s.getString());
        }
        throw Refusal.badRequest("'" + name + "' must be a string");
    }

    /** A required array of strings (possibly empty: the caller decides). */
    public List<String> stringList(String name) {
        return optionalStringList(name).orElseThrow(() -> Refusal.badRequest("'" + name + "' is required"));
    }

    public Optional<List<String>> optionalStringList(String name) {
        JsonValue v = object.get(name);
        if (v == null || v == JsonValue.NULL) {
            return Optional.empty();
        }
        if (v.getValueType() != JsonValue.ValueType.ARRAY) {
            throw Refusal.badRequest("'" + name + "' must be an array of strings");
        }
        List<String> values = new ArrayList<>();
        for (JsonValue item : v.asJsonArray()) {
            if (!(item instanceof JsonString s)) {
                throw Refusal.badRequest("'" + name + "' must be an array of strings");
            }
            values.add(s.getString());
        }
        return Optional.of(List.copyOf(values));
    }

    /** An optional whole number; fractions, strings and numbers beyond 64 bits are a 400. */
    public OptionalLong optionalLong(String name) {
        JsonValue v = object.get(name);
        if (v == null || v == JsonValue.NULL) {
            return OptionalLong.empty();
        }
        if (v instanceof JsonNumber n && n.isIntegral()) {
            try {
                return OptionalLong.of(n.bigIntegerValueExact().longValueExact());
            } catch (ArithmeticException e) {
                throw Refusal.badRequest("'" + name + "' is out of range");
            }
        }
        throw Refusal.badRequest("'" + name + "' must be a whole number");
    }

    public Optional<Boolean> optionalBoolean(String name) {
        JsonValue v = object.get(name);
        if (v == null || v == JsonValue.NULL) {
            return Optional.empty();
        }
        if (v == JsonValue.TRUE) {
            return Optional.of(true);
        }
        if (v == JsonValue.FALSE) {
            return Optional.of(false);
        }
        throw Refusal.badRequest("'" + name + "' must be true or false");
    }

    public boolean has(String name) {
        JsonValue v = object.get(name);
        return v != null && v != JsonValue.NULL;
    }
}
