/** The live event feed, newest first, bounded. */
package dev.mandate.console.activity;
