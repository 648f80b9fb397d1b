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
 * A delegated token is never for another resource server than its delegator's, once that is restricted.
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
        if (resource.isEmpty() || resource.length() > MAX_RESOURCE_LENGTH) {
            throw Refusal.invalidTarget("'resource' must be an absolute URI of at most " + MAX_RESOURCE_LENGTH + " characters");
        }
        try {
            URI uri = new URI(resource);
            if (!uri.isAbsolute() || uri.getRawFragment() != null || resource.chars().anyMatch(c -> c <= ' ')) {
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
     * The audience of a token delegated from {@code delegator}: its restriction carries over (asking for
     * another resource server is 400 {@code invalid_target}); an unrestricted delegator may name one.
     */
    public List<String> delegated(TokenClaims delegator, Optional<String> resource) {
        if (!restricted(delegator)) {
            return of(resource);
        }
        if (resource.isPresent() && !delegator.audience().equals(List.of(Audiences.resource(resource.get())))) {
            throw Refusal.invalidTarget("the delegator's token is for " + delegator.audience().getFirst()
                    + " only: a token delegated from it cannot be for another resource server");
        }
        return delegator.audience();
    }

    /** Whether the token was asked for one resource server. */
    public boolean restricted(TokenClaims claims) {
        return !claims.audience().equals(unrestricted);
    }

    /**
     * Whether a resource server that calls itself {@code audience} may accept the token: it names that
     * audience, or names none (a JWT without {@code aud} is for no one in particular).
     */
    public static boolean accepts(TokenClaims claims, String audience) {
        return claims.audience().isEmpty() || claims.audience().contains(audience);
    }
}
