package dev.mandate.server.app;

import dev.mandate.server.scope.Scopes;

/**
 * What an active app lets its agents have: a scope ceiling, and whether every token they hold must be bound
 * to the key each registers (RFC 9449), whatever its launch token says.
 */
public record Ceiling(Scopes scopes, boolean senderConstrained) {
}
