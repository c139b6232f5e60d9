package dev.pipelinesdk.core;

import dev.pipelinesdk.api.Names;
import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.Trigger;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link PipelineRunner#runOnce(Pipeline, RunRequest)} is asked to do: who triggers the run,
 * which phases, and optionally the run id to use and the next scheduled run time to publish.
 * Immutable; the {@code with…} methods return copies.
 *
 * <pre>{@code
 * runner.runOnce(pipeline, RunRequest.of(Trigger.CLI, RunMode.parse("from:import")));
 * }</pre>
 */
public final class RunRequest {
    private final Trigger trigger;
    private final RunMode mode;
    private final String runId;
    private final Instant nextRunAt;

    private RunRequest(Trigger trigger, RunMode mode, String runId, Instant nextRunAt) {
        this.trigger = Objects.requireNonNull(trigger, "trigger");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.runId = runId == null ? null : Names.requireId(runId, "run id");
        this.nextRunAt = nextRunAt;
    }

    /**
     * @param trigger who asks for the run
     * @param mode    which phases to run
     * @return a request with a fresh run id and the next run time carried over from the last status
     */
    public static RunRequest of(Trigger trigger, RunMode mode) {
        return new RunRequest(trigger, mode, null, null);
    }

    /**
     * @param runId the id the run must have (e.g. one handed out when the run was requested); it
     *              must not be the id of an earlier run
     * @return a copy with that run id
     * @throws IllegalArgumentException when the id is not a valid id
     */
    public RunRequest withRunId(String runId) {
        return new RunRequest(trigger, mode, Objects.requireNonNull(runId, "runId"), nextRunAt);
    }

    /**
     * @param nextRunAt the next scheduled run, published as {@code nextRunAt} in every status
     *                  document of this run ({@code null}: carry over the previous document's)
     * @return a copy with that time
     */
    public RunRequest withNextRunAt(Instant nextRunAt) {
        return new RunRequest(trigger, mode, runId, nextRunAt);
    }

    /** @return who asks for the run */
    public Trigger trigger() {
        return trigger;
    }

    /** @return which phases to run */
    public RunMode mode() {
        return mode;
    }

    /** @return the run id to use; empty: the runner makes a fresh one */
    public Optional<String> runId() {
        return Optional.ofNullable(runId);
    }

    /** @return the next scheduled run to publish; empty: carried over from the previous status */
    public Optional<Instant> nextRunAt() {
        return Optional.ofNullable(nextRunAt);
    }

    @Override
    public String toString() {
        return "RunRequest{" + trigger.wireName() + ", " + mode + (runId == null ? "" : ", runId=" + runId)
                + (nextRunAt == null ? "" : ", nextRunAt=" + nextRunAt) + "}";
    }
}
