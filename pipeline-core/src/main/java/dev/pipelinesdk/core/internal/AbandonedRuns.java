package dev.pipelinesdk.core.internal;

import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.RunError;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.RunState;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DESIGN.md step 8: a status document that still says {@code running} when a new run has just
 * taken the lease was written by a run that no longer holds it. Its process died (or it lost its
 * lease and could not write its final status); unless the history already knows that run, it is
 * recorded as {@link RunOutcome#ABANDONED}, rebuilt from the document.
 *
 * <p>A run whose process died after it published its final status but before the history had its
 * report leaves a final document and a history entry without an outcome. The next run completes
 * that entry from the document ({@link dev.pipelinesdk.core.RunHistory#recordIfUnrecorded}), in
 * the background, unless this runner recorded that run itself.
 */
final class AbandonedRuns {
    private static final Logger log = LoggerFactory.getLogger(AbandonedRuns.class);

    private AbandonedRuns() {
    }

    static void recordIfAbandoned(PipelineStatus previous, String currentRunId, RunSettings settings,
                                  Listeners listeners) {
        if (previous == null || previous.state() != RunState.RUNNING || previous.runId() == null
                || previous.runId().equals(currentRunId)) {
            return;
        }
        try {
            if (settings.history().find(previous.runId()).isPresent()) {
                return;
            }
            RunReport abandoned = reportOf(previous, settings.clock().instant());
            log.warn("Run {} of '{}' was abandoned{} (last update {}); recording it", previous.runId(),
                    previous.pipeline(), where(previous), abandoned.finishedAt());
            settings.history().record(abandoned);
            listeners.runAbandoned(abandoned);
        } catch (RuntimeException e) {
            log.warn("Could not record abandoned run {} of '{}': {}", previous.runId(), previous.pipeline(),
                    e.getMessage());
        }
    }

    /**
     * Completes the history entry of the run that wrote a final status document, if that entry is
     * still open or missing (its process stopped before recording its report); on the history
     * thread, so the new run does not wait for it. Listeners are not told: the run's own process
     * told them before recording, unless it died in that instant, and a process that is alive but
     * could not reach the history must not be notified twice.
     *
     * @param previous the document found when the lease was taken, or {@code null}
     * @param reports  this runner's reports (a run it recorded, or whose report waits, is skipped)
     */
    static void recordIfUnrecorded(PipelineStatus previous, String currentRunId, ReportBacklog reports,
                                   RunSettings settings) {
        if (previous == null || previous.runId() == null || previous.runId().equals(currentRunId)
                || previous.runId().equals(reports.lastRecorded(previous.pipeline()))
                || reports.isWaiting(previous.runId())) {
            return;
        }
        RunOutcome outcome = finalOutcome(previous);
        if (outcome == null) {
            return;
        }
        RunReport report = finalReportOf(previous, outcome);
        try {
            settings.historyCalls().execute(() -> {
                try {
                    if (settings.history().recordIfUnrecorded(report)) {
                        log.warn("Run {} of '{}' ended {} but its report never reached the run history (its process "
                                + "stopped in between); recorded it from its final status", report.runId(),
                                report.pipeline(), outcome.wireName());
                    }
                } catch (RuntimeException e) {
                    log.warn("Could not record run {} of '{}' from its final status: {}", report.runId(),
                            report.pipeline(), e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("Runner closing; run {} not checked in the history", report.runId());
        }
    }

    private static RunOutcome finalOutcome(PipelineStatus status) {
        return switch (status.state()) {
            case SUCCEEDED -> RunOutcome.SUCCEEDED;
            case FAILED -> RunOutcome.FAILED;
            case TIMED_OUT -> RunOutcome.TIMED_OUT;
            case CANCELLED -> status.error() != null && "LeaseLost".equals(status.error().type())
                    ? RunOutcome.LEASE_LOST : RunOutcome.CANCELLED;
            case SKIPPED -> RunOutcome.SKIPPED;
            case IDLE, RUNNING -> null;
        };
    }

    private static RunReport finalReportOf(PipelineStatus status, RunOutcome outcome) {
        Instant finished = status.finishedAt() != null ? status.finishedAt()
                : status.updatedAt() != null ? status.updatedAt()
                : status.startedAt() != null ? status.startedAt() : Instant.EPOCH;
        Instant started = status.startedAt() != null ? status.startedAt() : finished;
        if (finished.isBefore(started)) {
            finished = started;
        }
        RunError error = outcome == RunOutcome.SUCCEEDED || outcome == RunOutcome.SKIPPED ? null : status.error();
        return new RunReport(status.runId(), status.pipeline(), status.trigger(), status.mode(), outcome, null, 0,
                started, finished, List.of(), error, null, outcome == RunOutcome.SKIPPED ? status.message() : null);
    }

    private static RunReport reportOf(PipelineStatus previous, Instant now) {
        Instant lastSign = previous.updatedAt() != null ? previous.updatedAt() : now;
        Instant started = previous.startedAt() != null ? previous.startedAt() : lastSign;
        if (lastSign.isBefore(started)) {
            lastSign = started;
        }
        RunError error = new RunError(previous.phase(), "Abandoned", "Run stopped reporting at " + lastSign
                + where(previous) + " and no longer holds the lease; its process probably died");
        return new RunReport(previous.runId(), previous.pipeline(), previous.trigger(), previous.mode(),
                RunOutcome.ABANDONED, null, 0, started, lastSign, List.of(), error, null, null);
    }

    private static String where(PipelineStatus previous) {
        return previous.phase() == null ? "" : " in phase '" + previous.phase() + "'";
    }
}
