/**
 * The operator's secret and admin tokens.
 *
 * <p>Guarantees: the admin secret (and every app client secret) is kept only as a bcrypt hash; a
 * failed login is audited without what was tried; admin tokens live five minutes and are not renewable.
 */
package dev.mandate.server.admin;
