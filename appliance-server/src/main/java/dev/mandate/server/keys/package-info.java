/**
 * The broker's signing keys: the active HSM key that signs, and the ring of public keys that verify.
 *
 * <p>Guarantees: this package (with {@code hsm-config}) is the only code that touches PKCS#11; key
 * metadata and public JWKs are kept in H2, private keys never leave the HSM; when the HSM fails,
 * signing answers 503 {@code hsm_unavailable} while verification goes on from the public keys.
 */
package dev.mandate.server.keys;
