package dev.pipelinesdk.core.jdbc;

import dev.pipelinesdk.api.PipelineException;

/**
 * A {@link JdbcRunHistory} operation failed: the database is unreachable, the schema is missing
 * (run {@link SchemaMigrations#migrate} first), or a statement failed. The message names the
 * operation and the database (its URL with the password masked); the {@link java.sql.SQLException}
 * is the cause.
 */
public class RunHistoryException extends PipelineException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed and where */
    public RunHistoryException(String message) {
        super(message);
    }

    /**
     * @param message what failed and where
     * @param cause   the underlying failure
     */
    public RunHistoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
