/**
 * Agent, admin and app tokens: ES256 JWTs signed by the HSM key, their claims, verification,
 * validation, renewal and release.
 *
 * <p>Guarantees: only {@code alg: ES256} with a {@code kid} of the key ring verifies; a verified
 * signature is cached under a SHA-256 of the token for no longer than the token lives, while expiry,
 * revocation and app status are checked on every use; every token carries its ancestors' agents and
 * jtis, so the revocation check is a handful of set look-ups; no response says why a token failed.
 */
package dev.mandate.server.token;
