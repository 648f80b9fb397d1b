/**
 * Launch tokens, challenges and agent registration (Ed25519 challenge-response).
 *
 * <p>Guarantees: launch tokens are 64-hex bearer secrets stored only as SHA-256, single-use unless
 * asked otherwise, and fix the agent token's lifetime; nonces live 30 s and are used once; ids and
 * scopes are checked before anything is consumed, and a failed registration never consumes the
 * launch token; reserved {@code admin:}/{@code app:} scopes never reach an agent.
 */
package dev.mandate.server.agent;
