package dev.pipelinesdk.core.jdbc;

import java.util.List;

/**
 * What {@link SchemaMigrations#migrate} did.
 *
 * @param applied        the versions this call applied, in order (empty when the schema was current)
 * @param currentVersion the schema's version afterwards
 */
public record MigrationResult(List<Integer> applied, int currentVersion) {

    /** Copies the list. */
    public MigrationResult {
        applied = List.copyOf(applied);
    }

    /** @return whether this call changed the schema */
    public boolean changed() {
        return !applied.isEmpty();
    }
}
