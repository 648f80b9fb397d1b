/**
 * Apps: the programs that launch agents within a scope ceiling set by the operator.
 *
 * <p>Guarantees: a client secret is shown once at creation and stored only as a bcrypt hash; an app
 * can only issue launch tokens within its ceiling; a deactivated app's tokens are refused at once.
 */
package dev.mandate.server.app;
