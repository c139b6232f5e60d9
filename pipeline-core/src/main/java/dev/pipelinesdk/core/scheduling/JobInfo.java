package dev.pipelinesdk.core.scheduling;

import dev.pipelinesdk.api.RunOutcome;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

/**
 * One pipeline as the scheduler cluster sees it: its schedule, next run, last outcome and whether a
 * run is in progress. Nullable components are documented as such.
 *
 * @param pipeline       the pipeline
 * @param schedule       the schedule in words (e.g. {@code "daily at 02:30"}), or {@code "manual only"}
 * @param zone           the zone next runs are computed in; {@code null} for manual-only pipelines
 * @param nextRunAt      the next scheduled run; {@code null} when none is scheduled
 * @param lastOutcome    how the last recorded run ended; {@code null} when none is recorded
 * @param lastFinishedAt when it ended; {@code null} when none is recorded
 * @param lastSuccessAt  when the last successful run ended; {@code null} when there was none
 * @param runningRunId   the run in progress; {@code null} when none
 * @param runningSince   when the run in progress started; {@code null} when none or unknown
 * @param triggerQueued  whether a manually triggered run is queued and not started yet
 */
public record JobInfo(String pipeline, String schedule, ZoneId zone, Instant nextRunAt, RunOutcome lastOutcome,
                      Instant lastFinishedAt, Instant lastSuccessAt, String runningRunId, Instant runningSince,
                      boolean triggerQueued) {

    /** Validates. */
    public JobInfo {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(schedule, "schedule");
    }

    /** @return whether a run is in progress */
    public boolean running() {
        return runningRunId != null;
    }
}
