/** Health and Prometheus metrics: what an operator's monitoring reads, with no secret in it. */
package dev.mandate.server.status;
