package dev.mandate.server.http;

import dev.mandate.server.claims.TokenClaims;
import dev.mandate.server.error.Refusal;
import dev.mandate.server.scope.Scope;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import java.util.Optional;

/**
 * Bearer authentication at the edge: a valid token, and optionally a scope it must grant. A request is
 * authenticated once: the verdict goes into the request's context and later asks in the same request
 * read it there (lazily, on the first ask, rather than in a filter: public routes and routes that take a
 * token in their body pay nothing). It knows tokens only through {@link Verifier} and reports refusals to
 * {@link Refusals}, both given by the wiring, so the edge depends on the claims leaf and nothing below it.
 */
public final class Bearer {

    /** The claims of a token that is valid now; empty for anything else. */
    @FunctionalInterface
    public interface Verifier {
        Optional<TokenClaims> verify(String token);
    }

    /** Hears each refusal: its audit event type, detail, the caller when known (else null) and the client address. */
    @FunctionalInterface
    public interface Refusals {
        void refused(String eventType, String detail, TokenClaims caller, String client);
    }

    private static final String PREFIX = "Bearer ";

    /** The verdict on a request's bearer token, kept in its context: the claims, or empty when refused. */
    private record Verdict(Optional<TokenClaims> claims) {
    }

    private final Verifier verifier;
    private final Refusals refusals;

    public Bearer(Verifier verifier, Refusals refusals) {
        this.verifier = verifier;
        this.refusals = refusals;
    }

    /** The caller's claims; 401 {@code token verification failed} for a missing, invalid, expired or revoked token. */
    public TokenClaims require(ServerRequest req) {
        Verdict verdict = req.context().get(Verdict.class).orElseGet(() -> {
            Verdict v = new Verdict(verifier.verify(presented(req)));
            if (v.claims().isEmpty()) {
                refusals.refused("token_auth_failed", "path=" + req.path().path(), null, ClientAddress.of(req));
            }
            req.context().register(v);
            return v;
        });
        return verdict.claims().orElseThrow(Refusal::tokenVerificationFailed);
    }

    /** The token of the request's {@code Authorization: Bearer} header; 401 when there is none. */
    public String presented(ServerRequest req) {
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        if (header.length() <= PREFIX.length() || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw Refusal.tokenVerificationFailed();
        }
        return header.substring(PREFIX.length()).strip();
    }

    /** The token's claims if it is still valid now (for a long request that must stop when its token dies). */
    public Optional<TokenClaims> verify(String token) {
        return verifier.verify(token);
    }

    /** The caller's claims, which must grant {@code needed}; else 403 {@code insufficient_scope}. */
    public TokenClaims require(ServerRequest req, Scope needed) {
        TokenClaims caller = require(req);
        if (!caller.scope().grants(needed)) {
            refusals.refused("scope_violation", "path=" + req.path().path() + " required=" + needed + " jti=" + caller.jti(),
                    caller, ClientAddress.of(req));
            throw Refusal.insufficientScope("token lacks the scope " + needed);
        }
        return caller;
    }
}
