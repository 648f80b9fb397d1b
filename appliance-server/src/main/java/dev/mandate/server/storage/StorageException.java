package dev.mandate.server.storage;

import java.sql.SQLException;

/** A database failure. Its message stays in the log; clients see only "internal error". */
public final class StorageException extends RuntimeException {
    public StorageException(SQLException cause) {
        super("database failure: " + cause.getSQLState(), cause);
    }
}
