/**
 * Scopes {@code action:resource:identifier} and attenuation: a scope is covered by an allowed one when
 * action and resource are equal and the identifier is equal or the allowed identifier is {@code *}.
 * The {@code admin:} and {@code app:} families are reserved to the broker's own tokens.
 */
package dev.mandate.server.scope;
