/**
 * Four-level revocation: token, agent, task, chain; plus the exact-jti entries renewal leaves behind.
 *
 * <p>Guarantees: an entry is written to H2 before the call that made it returns, and is in memory
 * from then on; the check of a token is O(depth) hash look-ups whatever the number of entries,
 * because a token names its ancestors' agents and jtis; entries are reloaded at start and pruned
 * once nothing they can match is still alive.
 */
package dev.mandate.server.revocation;
