/** Delegation trees: one tree per root agent, scope and countdown per node, revoke a node or the whole chain. */
package dev.mandate.console.chains;
