package dev.mandate.server.token;

import dev.mandate.server.storage.Database;

/** The {@code spent_proofs} table: DPoP proofs presented once, shared by every node. */
final class JdbcProofStore {

    /**
     * Records the proof as spent; false if it already was. Read then insert is atomic here: every write
     * transaction runs alone on its node's writer and, on a shared database, under the cluster's write lock.
     */
    boolean spend(Database.Tx tx, String proofId, long expiresAt) {
        if (tx.first("SELECT 1 FROM spent_proofs WHERE proof_id = ?", rs -> true, proofId).isPresent()) {
            return false;
        }
        tx.update("INSERT INTO spent_proofs (proof_id, expires_at) VALUES (?, ?)", proofId, expiresAt);
        return true;
    }

    int prune(Database.Tx tx, long now) {
        return tx.update("DELETE FROM spent_proofs WHERE expires_at <= ?", now);
    }
}
