/** The live agents table: TTL countdowns from one shared clock, one-click revocation at four levels behind a confirmation. */
package dev.mandate.console.agents;
