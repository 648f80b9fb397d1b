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

    /**
     * Whether a request proves, with its {@code DPoP} header {@code proof}, that it comes from the holder of
     * the key {@code claims} are bound to (RFC 9449), for {@code method} to the broker's {@code rawPath} and
     * {@code token}; each proof once.
     */
    @FunctionalInterface
    public interface Proofs {
        boolean accepts(String proof, String method, String rawPath, String token, TokenClaims claims);
    }

    /** Hears each refusal: its audit event type, detail, the caller when known (else null) and the client address. */
    @FunctionalInterface
    public interface Refusals {
        void refused(String eventType, String detail, TokenClaims caller, String client);
    }

    private static final String PREFIX = "Bearer ";
    private static final String DPOP_PREFIX = "DPoP ";
    private static final io.helidon.http.HeaderName DPOP = io.helidon.http.HeaderNames.create("DPoP");

    /** The token of an {@code Authorization} header, and whether it came under the DPoP scheme. */
    private record Presented(String token, boolean dpop) {
    }

    /** The verdict on a request's bearer token, kept in its context: the claims, or empty when refused. */
    private record Verdict(Optional<TokenClaims> claims) {
    }

    private final Verifier verifier;
    private final Proofs proofs;
    private final Refusals refusals;

    public Bearer(Verifier verifier, Proofs proofs, Refusals refusals) {
        this.verifier = verifier;
        this.proofs = proofs;
        this.refusals = refusals;
    }

    /**
     * The caller's claims; 401 {@code token verification failed} for a missing, invalid, expired or revoked
     * token, and for a token bound to a key (RFC 9449) that comes without a fresh proof of that key under the
     * {@code DPoP} scheme, or an unbound one under that scheme.
     */
    public TokenClaims require(ServerRequest req) {
        Verdict verdict = req.context().get(Verdict.class).orElseGet(() -> {
            Verdict v = new Verdict(authenticate(req));
            req.context().register(v);
            return v;
        });
        return verdict.claims().orElseThrow(Refusal::tokenVerificationFailed);
    }

    /** The claims of the request's token when it may act; each refusal audited. */
    private Optional<TokenClaims> authenticate(ServerRequest req) {
        Presented presented = presentation(req);   // no token at all: a 401, and no event (as before binding)
        Optional<TokenClaims> claims = verifier.verify(presented.token());
        if (claims.isEmpty()) {
            refusals.refused("token_auth_failed", "path=" + req.path().path(), null, ClientAddress.of(req));
            return claims;
        }
        TokenClaims c = claims.get();
        if (c.bound() != presented.dpop()) {
            refuseProof(req, c, c.bound() ? "bound token presented as a bearer token" : "unbound token presented under DPoP");
            return Optional.empty();
        }
        return !c.bound() || proves(req, presented.token(), c) ? claims : Optional.empty();
    }

    /**
     * Whether the request carries exactly one DPoP proof, for itself and {@code token}, of the key {@code claims}
     * are bound to; a refusal is audited as {@code dpop_proof_refused} (a valid token without its holder's
     * proof is likely a stolen one), with the token's jti. Also for a token presented in a body (token exchange).
     */
    public boolean proves(ServerRequest req, String token, TokenClaims claims) {
        var proof = req.headers().all(DPOP, java.util.List::of);
        String refused = proof.size() != 1 ? (proof.isEmpty() ? "no DPoP proof" : "several DPoP proofs")
                : proofs.accepts(proof.getFirst(), req.prologue().method().text(), req.path().rawPath(), token, claims)
                ? null : "DPoP proof refused";
        if (refused != null) {
            refuseProof(req, claims, refused);
        }
        return refused == null;
    }

    private void refuseProof(ServerRequest req, TokenClaims claims, String reason) {
        refusals.refused("dpop_proof_refused", "path=" + req.path().path() + " jti=" + claims.jti() + " reason=" + reason,
                claims, ClientAddress.of(req));
    }

    /** The token of the request's {@code Authorization: Bearer} header; 401 when there is none. */
    public String presented(ServerRequest req) {
        Presented presented = presentation(req);
        if (presented.dpop()) {
            throw Refusal.tokenVerificationFailed();
        }
        return presented.token();
    }

    /** The token of the request's {@code Authorization} header, under the Bearer or DPoP scheme; 401 for anything else. */
    private static Presented presentation(ServerRequest req) {
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        for (String scheme : new String[] {PREFIX, DPOP_PREFIX}) {
            if (header.length() > scheme.length() && header.regionMatches(true, 0, scheme, 0, scheme.length())) {
                return new Presented(header.substring(scheme.length()).strip(), scheme.equals(DPOP_PREFIX));
            }
        }
        throw Refusal.tokenVerificationFailed();
    }

    /**
     * Audits a refusal of a token presented elsewhere than in the Authorization header (the token endpoint's
     * subject token): {@code eventType}, {@code detail} (never the token), the caller when known.
     */
    public void refused(ServerRequest req, String eventType, String detail, TokenClaims caller) {
        refusals.refused(eventType, "path=" + req.path().path() + " " + detail, caller, ClientAddress.of(req));
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
