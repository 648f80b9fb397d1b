package dev.mandate.server.journal;

import dev.mandate.server.audit.Audit;
import dev.mandate.server.audit.AuditLog;
import dev.mandate.server.error.Refusal;
import dev.mandate.server.storage.Database;

/**
 * The one recorder of what happened: a change's audit entry and, when operators watch it live, its event,
 * both written in the change's transaction (so both commit with it, or neither does); and the one way to
 * record a refusal. Capabilities hold a journal, never the audit or event log themselves.
 */
public final class Journal {

    private final Database db;
    private final AuditLog audit;
    private final EventLog events;

    public Journal(Database db, AuditLog audit, EventLog events) {
        this.db = db;
        this.audit = audit;
        this.events = events;
    }

    /** The audit entry of a change made in {@code tx}. */
    public void record(Database.Tx tx, Audit entry) {
        audit.record(tx, entry);
    }

    /** The audit entry and the live event of a change made in {@code tx}. */
    public void record(Database.Tx tx, Audit entry, Event event) {
        events.record(tx, event);
        audit.record(tx, entry);
    }

    /** A live event with no audit entry of its own (a token that expired). */
    public void event(Database.Tx tx, Event event) {
        events.record(tx, event);
    }

    /**
     * Audits {@code refusal}, decided inside {@code tx}, and returns it to throw: {@code tx} then commits
     * what it did (the denial's audit entry, and a spent launch token or nonce if it spent one) before the
     * refusal reaches the caller. A denial is never rolled back with the change it refused.
     */
    public Refusal refuse(Database.Tx tx, Audit denial, Refusal refusal) {
        audit.record(tx, denial);
        return tx.commitThenThrow(refusal);
    }

    /** Audits {@code refusal}, decided before any transaction, in one of its own, and returns it to throw. */
    public Refusal refuse(Audit denial, Refusal refusal) {
        db.write(tx -> {
            audit.record(tx, denial);
            return null;
        });
        return refusal;
    }

    /**
     * Audits a refusal that an unauthenticated client can cause at will, within the audit log's
     * per-client budget (see {@link AuditLog#recordUnsolicited}).
     */
    public void refuseUnsolicited(Audit denial, String client) {
        audit.recordUnsolicited(denial, client);
    }
}
