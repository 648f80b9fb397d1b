/**
 * The HTTP edge shared by every endpoint: problem+json errors (RFC 9457), request ids and security
 * headers, the 1 MiB body limit, strict JSON reading, rate limits, and the route table helper that
 * turns unknown paths and wrong methods into problems too.
 *
 * <p>Guarantees: no response carries a stack trace, an SQL message or the reason a token failed;
 * unexpected failures answer 500 {@code internal_error} and are logged once with their request id.
 */
package dev.mandate.server.http;
