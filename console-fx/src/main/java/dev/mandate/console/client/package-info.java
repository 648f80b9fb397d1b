/**
 * The console's client of the broker API: java.net.http and JSON only, no JavaFX, so it is tested and
 * reused alone. The admin secret stays in memory for re-login and is never logged.
 */
package dev.mandate.console.client;
