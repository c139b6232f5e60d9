package dev.pipelinesdk.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A run that has started: what listeners receive before the run has a report.
 *
 * @param runId        the run's id
 * @param pipeline     the pipeline's name
 * @param trigger      who started it
 * @param mode         which phases it runs
 * @param fencingToken the lease's fencing token
 * @param owner        the process that runs it (host and process id)
 * @param startedAt    when it started
 * @param phases       the phases it runs, in order
 */
public record RunInfo(String runId, String pipeline, Trigger trigger, RunMode mode, long fencingToken,
                      String owner, Instant startedAt, List<String> phases) {

    /** Validates and copies. */
    public RunInfo {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(startedAt, "startedAt");
        phases = List.copyOf(phases);
    }
}
