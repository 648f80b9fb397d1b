package dev.mandate.hsm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The configuration templates shipped in this module, with {@code @KEY@} placeholders. */
final class Template {

    private Template() {
    }

    static String render(String resource, Map<String, String> values) {
        String text;
        try (InputStream in = Template.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("template missing from the jar: " + resource);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (var entry : values.entrySet()) {
            text = text.replace("@" + entry.getKey() + "@", entry.getValue());
        }
        return text;
    }
}
