package dev.mandate.server.token;

import dev.mandate.server.audit.Audit;
import dev.mandate.server.audit.AuditLog;
import dev.mandate.server.error.Refusal;
import dev.mandate.server.http.ClientAddress;
import dev.mandate.server.scope.Scope;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/** Bearer authentication of a request: a valid token, and optionally a scope it must grant. */
public final class Bearer {

    private static final String PREFIX = "Bearer ";

    private final TokenVerifier verifier;
    private final AuditLog audit;

    public Bearer(TokenVerifier verifier, AuditLog audit) {
        this.verifier = verifier;
        this.audit = audit;
    }

    /** The caller's claims; 401 {@code token verification failed} for a missing, invalid, expired or revoked token. */
    public TokenClaims require(ServerRequest req) {
        return verifier.verify(presented(req)).orElseGet(() -> {
            audit.recordUnsolicited(Audit.denied("token_auth_failed", "path=" + req.path().path()), ClientAddress.of(req));
            throw Refusal.tokenVerificationFailed();
        });
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
    public java.util.Optional<TokenClaims> verify(String token) {
        return verifier.verify(token);
    }

    /** The caller's claims, which must grant {@code needed}; else 403 {@code insufficient_scope}. */
    public TokenClaims require(ServerRequest req, Scope needed) {
        TokenClaims caller = require(req);
        if (!caller.scope().grants(needed)) {
            audit.recordUnsolicited(Audit.denied("scope_violation", "path=" + req.path().path() + " required="
                    + needed + " jti=" + caller.jti()).agent(caller.kind() == TokenClaims.Kind.AGENT
                    ? caller.subject() : "", caller.taskId(), caller.orchId()), ClientAddress.of(req));
            throw Refusal.insufficientScope("token lacks the scope " + needed);
        }
        return caller;
    }
}
