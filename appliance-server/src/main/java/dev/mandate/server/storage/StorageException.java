package dev.mandate.server.storage;

import java.sql.SQLException;

/** A database failure. Its message stays in the log; clients see only "internal error". */
public final class StorageException extends RuntimeException {

    /** H2's DATABASE_ALREADY_OPEN_1: another process holds the file lock. */
    private static final int H2_DATABASE_ALREADY_OPEN = 90020;

    public StorageException(SQLException cause) {
        super("database failure: " + cause.getSQLState(), cause);
    }

    /** True when the database file is locked by another process (another broker on the same data directory). */
    public boolean lockedByAnotherProcess() {
        for (Throwable t = getCause(); t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
                return true;
            }
        }
        return false;
    }

    /** The SQLSTATE of the first SQL failure in the chain ("" when none has one). */
    public String sqlState() {
        for (Throwable t = getCause(); t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return "";
    }

    /** The database's own explanation, for start-up messages (never sent to clients). */
    public String detail() {
        return getCause().getMessage().lines().findFirst().orElse("").strip();
    }
}
