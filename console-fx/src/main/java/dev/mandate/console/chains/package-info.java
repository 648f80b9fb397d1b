/** Delegation trees: the tree of each agent on the agents tab's page (asked of the broker), scope and countdown per node, revoke a node or the whole chain. */
package dev.mandate.console.chains;
