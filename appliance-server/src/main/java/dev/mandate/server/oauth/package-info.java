/**
 * The standard OAuth endpoints a resource server expects: RFC 7662 introspection, RFC 7009
 * revocation, RFC 8414 metadata.
 *
 * <p>Guarantees: only admin or app clients (Bearer token or HTTP Basic client credentials) may call
 * them; an inactive token introspects as exactly {@code {"active":false}}; revocation always answers
 * 200 and an app can revoke only the tokens of agents it launched (and its own).
 */
package dev.mandate.server.oauth;
