/** The status bar: broker health, HSM state and event-stream connection, as a view-model. */
package dev.mandate.console.status;
