package dev.pipelinesdk.core.jdbc;

import dev.pipelinesdk.api.PipelineException;

/**
 * The database schema could not be migrated or checked, or is not at the version this library
 * needs: the database is unreachable, a migration failed, an applied migration was changed
 * afterwards, or {@link SchemaMigrations#requireCurrent} found an older schema. The message names
 * the database (its URL with the password masked) and what to do.
 */
public class SchemaMigrationException extends PipelineException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, where, and what to do */
    public SchemaMigrationException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, where, and what to do
     * @param cause   the underlying failure
     */
    public SchemaMigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
