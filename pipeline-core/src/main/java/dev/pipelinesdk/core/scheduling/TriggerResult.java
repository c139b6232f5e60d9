package dev.pipelinesdk.core.scheduling;

import java.util.Objects;

/**
 * The answer to a manual trigger.
 *
 * @param pipeline the pipeline
 * @param status   what happened
 * @param runId    {@link Status#ACCEPTED}/{@link Status#ALREADY_QUEUED}: the id the run will have;
 *                 {@link Status#ALREADY_RUNNING}: the id of the run in progress (may be
 *                 {@code null} when the holder of the lease could not be named)
 */
public record TriggerResult(String pipeline, Status status, String runId) {

    /** What a trigger did. */
    public enum Status {
        /** A run was queued; it starts on whichever scheduler instance is free. */
        ACCEPTED,
        /** A triggered run was already queued and has not started yet; nothing new was queued. */
        ALREADY_QUEUED,
        /** A run of the pipeline is in progress; nothing was queued. */
        ALREADY_RUNNING
    }

    /** Validates. */
    public TriggerResult {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(status, "status");
        if (status != Status.ALREADY_RUNNING) {
            Objects.requireNonNull(runId, "runId");
        }
    }

    /** @return {@code true} when a run is (now or already) queued */
    public boolean accepted() {
        return status != Status.ALREADY_RUNNING;
    }
}
