/** Signing keys: states, kids, dates, and "rotate now". */
package dev.mandate.console.keys;
