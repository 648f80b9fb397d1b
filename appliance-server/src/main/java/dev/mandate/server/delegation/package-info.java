/**
 * Delegation: an agent hands a registered agent a token with the same or a narrower scope.
 *
 * <p>Guarantees: a delegated token never holds more than its delegator's scope, never outlives its
 * delegator's token, carries the whole chain of ancestors (agents and jtis) with its hash, and the
 * chain is at most five hops deep; reserved scopes, revoked agents and unknown agents are refused.
 */
package dev.mandate.server.delegation;
