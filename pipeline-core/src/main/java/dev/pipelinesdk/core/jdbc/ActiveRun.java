package dev.pipelinesdk.core.jdbc;

import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.Trigger;
import java.time.Instant;
import java.util.Objects;

/**
 * A run the history shows as running: it has started ({@code RunHistory.runStarted}), has not
 * been recorded as finished, and its process said within its lease TTL that it is alive.
 *
 * @param runId        the run's id
 * @param pipeline     the pipeline's name
 * @param trigger      who started it
 * @param mode         which phases it runs
 * @param owner        the process running it (host and process id), {@code null} when unknown
 * @param startedAt    when it started
 * @param fencingToken its lease's fencing token
 */
public record ActiveRun(String runId, String pipeline, Trigger trigger, RunMode mode, String owner, Instant startedAt,
                        long fencingToken) {

    /** Validates the run. */
    public ActiveRun {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(startedAt, "startedAt");
    }
}
