/** The apps tab: registered apps, and deactivation that can also revoke every agent an app launched. */
package dev.mandate.console.apps;
