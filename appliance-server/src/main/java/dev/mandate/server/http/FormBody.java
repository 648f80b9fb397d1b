package dev.mandate.server.http;

import dev.mandate.server.error.Refusal;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** An {@code application/x-www-form-urlencoded} body (RFC 7662 and RFC 7009 requests), 1 MiB at most. */
public final class FormBody {

    private final Map<String, String> fields;

    private FormBody(Map<String, String> fields) {
        this.fields = fields;
    }

    public static FormBody read(ServerRequest req) {
        String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            throw Refusal.badRequest("the body must be application/x-www-form-urlencoded");
        }
        String text = new String(JsonBody.readLimited(req), StandardCharsets.UTF_8);
        Map<String, String> fields = new HashMap<>();
        try {
            for (String pair : text.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (name.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
                    throw Refusal.badRequest("text must not contain U+0000");   // PostgreSQL cannot store it (22021)
                }
                if (fields.putIfAbsent(name, value) != null) {
                    throw Refusal.badRequest("'" + name + "' is given more than once");
                }
            }
        } catch (IllegalArgumentException e) {
            throw Refusal.badRequest("malformed form body");
        }
        return new FormBody(fields);
    }

    /** Whether the body names {@code name}, even with an empty value. */
    public boolean has(String name) {
        return fields.containsKey(name);
    }

    public Optional<String> field(String name) {
        return Optional.ofNullable(fields.get(name)).filter(v -> !v.isEmpty());
    }
}
