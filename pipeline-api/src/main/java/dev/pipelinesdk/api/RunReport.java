package dev.pipelinesdk.api;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of a run: its outcome, each phase's timings, attempts and counters, and the error.
 * Returned by {@code runOnce}, given to listeners and written to the run history.
 *
 * @param runId        the run's id
 * @param pipeline     the pipeline's name
 * @param trigger      who started it
 * @param mode         which phases it was asked to run
 * @param outcome      how it ended
 * @param owner        the process that ran it (host and process id)
 * @param fencingToken the lease's fencing token, 0 when no lease was granted
 * @param startedAt    when it started
 * @param finishedAt   when it ended
 * @param phases       the phases that ran, in order (phases that never started are absent)
 * @param error        why it did not succeed, {@code null} when it did or was skipped
 * @param holderRunId  for {@link RunOutcome#ALREADY_RUNNING}: the run holding the lease, when known
 * @param skipReason   for {@link RunOutcome#SKIPPED}: why the rest was skipped; for
 *                     {@link RunOutcome#MISSED}: which instant was missed and why
 */
public record RunReport(String runId, String pipeline, Trigger trigger, RunMode mode, RunOutcome outcome,
                        String owner, long fencingToken, Instant startedAt, Instant finishedAt,
                        List<PhaseReport> phases, RunError error, String holderRunId, String skipReason) {

    /** Validates and copies. */
    public RunReport {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        phases = List.copyOf(phases);
    }

    /** @return the run's wall time */
    public Duration duration() {
        return Duration.between(startedAt, finishedAt);
    }

    /** @return {@code true} for {@link RunOutcome#SUCCEEDED} */
    public boolean succeeded() {
        return outcome == RunOutcome.SUCCEEDED;
    }

    /**
     * @param name a phase name
     * @return that phase's report, when it ran
     */
    public Optional<PhaseReport> phase(String name) {
        return phases.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** @return every phase's counters added up by name */
    public Map<String, Long> counters() {
        Map<String, Long> sum = new LinkedHashMap<>();
        for (PhaseReport p : phases) {
            p.counters().forEach((k, v) -> sum.merge(k, v, Long::sum));
        }
        return sum;
    }
}
