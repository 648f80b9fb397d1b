/**
 * The leaf every capability may use: {@link dev.mandate.server.error.Refusal}, the sealed family of the
 * broker's refusals. It imports nothing of the broker and nothing of HTTP.
 */
package dev.mandate.server.error;
