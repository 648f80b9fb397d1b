/** The overview tab: counts, health and the last 15 minutes' rates, as a view-model and its view. */
package dev.mandate.console.overview;
