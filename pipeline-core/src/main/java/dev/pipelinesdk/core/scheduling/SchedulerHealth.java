package dev.pipelinesdk.core.scheduling;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A health check of a scheduler instance, e.g. for a {@code /health} endpoint.
 *
 * @param schedulerRunning      started, not paused and not stopping
 * @param databaseReachable     a connection answered within the check's timeout
 * @param stateBackendReachable the state backend answered
 * @param lastSuccessfulPoll    when this instance last looked for due runs; {@code null} before the first
 * @param problems              one line for each check that failed (empty when healthy)
 */
public record SchedulerHealth(boolean schedulerRunning, boolean databaseReachable, boolean stateBackendReachable,
                              Instant lastSuccessfulPoll, List<String> problems) {

    /** Validates and copies. */
    public SchedulerHealth {
        problems = List.copyOf(Objects.requireNonNull(problems, "problems"));
    }

    /** @return {@code true} when every check passed */
    public boolean healthy() {
        return problems.isEmpty();
    }
}
