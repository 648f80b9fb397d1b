/**
 * A leaf for every console package: {@link dev.mandate.console.fx.Tasks}, where work runs (background for
 * the network, the FX thread for properties; inline in tests). It imports nothing of the console.
 */
package dev.mandate.console.fx;
