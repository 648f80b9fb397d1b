package dev.mandate.server.scope;

import dev.mandate.server.error.Refusal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** A set of scopes, in the order given, without duplicates. */
public record Scopes(List<Scope> values) {

    public Scopes {
        values = List.copyOf(new LinkedHashSet<>(values));
    }

    /** Parses every entry; a malformed one is a 400 naming the field. */
    public static Scopes parse(List<String> texts, String field) {
        List<Scope> parsed = new ArrayList<>(texts.size());
        for (String text : texts) {
            try {
                parsed.add(Scope.parse(text));
            } catch (IllegalArgumentException e) {
                throw Refusal.badRequest("'" + field + "': " + e.getMessage());
            }
        }
        return new Scopes(parsed);
    }

    /** Parses scopes the broker wrote itself (stored or signed); they are well-formed by construction. */
    public static Scopes trusted(List<String> texts) {
        return new Scopes(texts.stream().map(Scope::parse).toList());
    }

    /** True when every scope here is covered by some scope of {@code allowed}. */
    public boolean within(Scopes allowed) {
        for (Scope s : values) {
            if (allowed.values.stream().noneMatch(a -> a.covers(s))) {
                return false;
            }
        }
        return true;
    }

    /** True when some scope here covers {@code required}. */
    public boolean grants(Scope required) {
        return values.stream().anyMatch(s -> s.covers(required));
    }

    public boolean anyReserved() {
        return values.stream().anyMatch(Scope::isReserved);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public List<String> strings() {
        return values.stream().map(Scope::toString).toList();
    }
}
