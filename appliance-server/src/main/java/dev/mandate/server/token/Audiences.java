package dev.mandate.server.token;

import dev.mandate.server.claims.TokenClaims;
import dev.mandate.server.error.Refusal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;

/**
 * Audience restriction (RFC 8707): a token requested for one resource server ({@code resource}) carries that
 * server alone as its {@code aud}; a token requested without one carries the broker's configured audience.
 * A delegated token keeps its delegator's audience, or narrows it to one server of it: never another
 * (only a delegator with no audience at all may name any).
 */
public final class Audiences {

    private static final int MAX_RESOURCE_LENGTH = 2048;

    private final List<String> unrestricted;

    /** {@code unrestricted}: the audience of a token requested for no particular resource server. */
    public Audiences(List<String> unrestricted) {
        this.unrestricted = List.copyOf(unrestricted);
    }

    /**
     * A resource indicator as RFC 8707 §2 allows it: an absolute URI without a fragment; 400
     * {@code invalid_target} for anything else.
     */
    public static String resource(String resource) {
        // RFC 3986 URIs are printable ASCII: no controls, spaces, or invisible Unicode that looks like another server.
        if (resource.isEmpty() || resource.length() > MAX_RESOURCE_LENGTH || resource.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
            throw Refusal.invalidTarget("'resource' must be an absolute URI of at most " + MAX_RESOURCE_LENGTH
                    + " printable ASCII characters");
        }
        try {
            URI uri = new URI(resource);
            if (!uri.isAbsolute() || uri.getRawFragment() != null) {
                throw Refusal.invalidTarget("'resource' must be an absolute URI without a fragment (RFC 8707)");
            }
        } catch (URISyntaxException e) {
            throw Refusal.invalidTarget("'resource' must be an absolute URI without a fragment (RFC 8707)");
        }
        return resource;
    }

    /** The audience of a first token: the resource server asked for, else the unrestricted audience. */
    public List<String> of(Optional<String> resource) {
        return resource.map(Audiences::resource).map(List::of).orElse(unrestricted);
    }

    /**
     * The audience of a token delegated from {@code delegator}: the delegator's, or the one resource server
     * asked for when the delegator's audience names it (or names none); any other is 400 {@code invalid_target}.
     */
    public List<String> delegated(TokenClaims delegator, Optional<String> resource) {
        if (resource.isEmpty()) {
            return delegator.audience();
        }
        String asked = resource(resource.get());
        if (!delegator.audience().isEmpty() && !delegator.audience().contains(asked)) {
            throw Refusal.invalidTarget("a delegated token is for its delegator's audience or one server of it, not another");
        }
        return List.of(asked);
    }

    /**
     * Whether a resource server that calls itself {@code audience} may accept the token: it names that
     * audience, or names none (a JWT without {@code aud} is for no one in particular).
     */
    public static boolean accepts(TokenClaims claims, String audience) {
        return claims.audience().isEmpty() || claims.audience().contains(audience);
    }
}
