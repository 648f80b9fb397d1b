/**
 * A leaf: what a signed token says (claims, the delegation chain, the lineage revocation checks walk) and
 * the shapes of its identifiers. Every layer reads claims; this package depends only on {@code scope}.
 */
package dev.mandate.server.claims;
