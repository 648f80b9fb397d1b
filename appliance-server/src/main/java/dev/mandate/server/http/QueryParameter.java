package dev.mandate.server.http;

import dev.mandate.server.error.Refusal;
import java.util.Optional;

/** Query-string numbers: absent gives the default, anything not a whole number ≥ {@code min} is a 400. */
public final class QueryParameter {

    private QueryParameter() {
    }

    public static long number(Optional<String> value, String name, long fallback, long min) {
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(value.get());
            if (n < min) {
                throw Refusal.badRequest("'" + name + "' must be at least " + min);
            }
            return n;
        } catch (NumberFormatException e) {
            throw Refusal.badRequest("'" + name + "' must be a whole number");
        }
    }
}
