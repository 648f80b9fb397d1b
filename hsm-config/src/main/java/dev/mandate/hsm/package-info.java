/**
 * The PKCS#11 layer: every contact the appliance has with its HSM goes through here.
 *
 * <p>Guarantees: signing keys are EC P-256 token objects generated inside the HSM, sensitive and never
 * extractable; no method of this package returns private key material or a PIN; PINs are read from
 * files only when logging in and are never logged or put in a message; every failure to reach the HSM
 * surfaces as {@link dev.mandate.hsm.HsmUnavailableException}, and the next operation tries to log in
 * again, so the caller recovers by itself once the HSM is back.
 */
package dev.mandate.hsm;
