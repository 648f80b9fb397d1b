/**
 * The console's shell: connect screen, tabs, status bar, the one timeline that moves every countdown,
 * and the executor abstraction that keeps network calls off the FX thread.
 */
package dev.mandate.console.ui;
