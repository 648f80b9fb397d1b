/**
 * The append-only, hash-chained audit log.
 *
 * <p>Guarantees: an event is written in the same transaction as the change it records; {@code hash}
 * is the lowercase hex SHA-256 of {@code prev_hash|id|timestamp|event_type|agent_id|task_id|orch_id|detail|outcome}
 * over exactly the stored strings, the first {@code prev_hash} being 64 zeros, so anyone can verify the
 * chain offline; no event holds a secret or a whole token (callers pass ids, jtis and counts only).
 */
package dev.mandate.server.audit;
