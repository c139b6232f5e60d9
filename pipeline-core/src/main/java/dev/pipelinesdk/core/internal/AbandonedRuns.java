package dev.pipelinesdk.core.internal;

import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.RunError;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.RunState;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DESIGN.md step 8: a status document that still says {@code running} when a new run has just
 * taken the lease was written by a run that no longer holds it. Its process died (or it lost its
 * lease and could not write its final status); unless the history already knows that run, it is
 * recorded as {@link RunOutcome#ABANDONED}, rebuilt from the document.
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
