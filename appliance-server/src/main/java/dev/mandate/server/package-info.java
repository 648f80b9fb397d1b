/**
 * The Mandate broker: an AgentWrit 2.0 compatible {@code /v1} API issuing short-lived, scoped,
 * HSM-signed agent tokens. {@link dev.mandate.server.Main} builds every object by hand and registers
 * every route in one place, {@link dev.mandate.server.Main#routing}.
 */
package dev.mandate.server;
