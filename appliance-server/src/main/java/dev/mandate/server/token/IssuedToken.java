package dev.mandate.server.token;

import dev.mandate.server.claims.TokenClaims;
/** A freshly signed token and its claims. The JWT goes to its holder only: never to a log or the audit. */
public record IssuedToken(String jwt, TokenClaims claims) {
    @Override
    public String toString() {
        return "IssuedToken[jti=" + claims.jti() + "]";
    }
}
