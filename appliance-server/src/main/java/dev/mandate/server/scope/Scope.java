package dev.mandate.server.scope;

import java.util.Objects;
import java.util.regex.Pattern;

/** One scope {@code action:resource:identifier}; the identifier may itself contain colons. */
public record Scope(String action, String resource, String identifier) {

    private static final Pattern PART = Pattern.compile("[A-Za-z0-9._*/@+-]+");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9._*/@+:-]+");
    private static final int MAX_LENGTH = 256;

    public Scope {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(identifier, "identifier");
    }

    /** Parses {@code text}; throws {@link IllegalArgumentException} naming what is wrong. */
    public static Scope parse(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("a scope must be 1 to " + MAX_LENGTH + " characters");
        }
        int first = text.indexOf(':');
        int second = first < 0 ? -1 : text.indexOf(':', first + 1);
        if (second < 0) {
            throw new IllegalArgumentException("scope '" + text + "' is not action:resource:identifier");
        }
        String action = text.substring(0, first);
        String resource = text.substring(first + 1, second);
        String identifier = text.substring(second + 1);
        if (!PART.matcher(action).matches() || !PART.matcher(resource).matches()
                || !IDENTIFIER.matcher(identifier).matches() || action.contains("*") || resource.contains("*")) {
            throw new IllegalArgumentException("scope '" + text + "' is not action:resource:identifier");
        }
        return new Scope(action, resource, identifier);
    }

    /** True when this (allowed) scope covers {@code requested}. */
    public boolean covers(Scope requested) {
        return action.equals(requested.action) && resource.equals(requested.resource)
                && (identifier.equals("*") || identifier.equals(requested.identifier));
    }

    /**
     * {@code admin:…} and {@code app:…} belong to the broker's own tokens only, in any letter case: a
     * resource server that compares actions case-insensitively must not see {@code ADMIN:…} as anything else.
     */
    public boolean isReserved() {
        return action.equalsIgnoreCase("admin") || action.equalsIgnoreCase("app");
    }

    @Override
    public String toString() {
        return action + ":" + resource + ":" + identifier;
    }
}
