/**
 * The live event log: every change's event is written in the change's transaction and handed, in commit
 * order, to the operator streams once it has committed. Capabilities record here; only {@code live}
 * reads it back. It depends on storage alone, so no capability needs {@code live}.
 */
package dev.mandate.server.journal;
