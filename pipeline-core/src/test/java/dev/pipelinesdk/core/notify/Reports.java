package dev.pipelinesdk.core.notify;

import dev.pipelinesdk.api.RunError;
import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Run reports for the notifier tests. */
final class Reports {

    static final Instant STARTED = Instant.parse("2026-11-23T02:00:00Z");
    static final Instant FINISHED = STARTED.plus(Duration.ofMillis(83_500));

    private Reports() {
    }

    static RunReport failed(String runId) {
        return new RunReport(runId, "stops", Trigger.SCHEDULED, RunMode.full(), RunOutcome.FAILED, "web-1/4242", 7,
                STARTED, FINISHED, List.of(), new RunError("match", "IOException", "disk full"), null, null);
    }

    static RunReport of(RunOutcome outcome, String runId) {
        RunError error = switch (outcome) {
            case SUCCEEDED, SKIPPED, MISSED, ALREADY_RUNNING -> null;
            case FAILED -> new RunError("match", "IOException", "disk full");
            case TIMED_OUT -> new RunError("match", "Timeout", "phase match exceeded its timeout of PT1H");
            case CANCELLED -> new RunError("match", "Cancelled", "the runner is shutting down");
            case LEASE_LOST -> new RunError("match", "LeaseLost", "the lease could not be renewed");
            case ABANDONED -> new RunError("match", "Abandoned", "its process died");
        };
        String reason = outcome == RunOutcome.SKIPPED ? "sources unchanged" : null;
        return new RunReport(runId, "stops", Trigger.SCHEDULED, RunMode.full(), outcome, "web-1/4242", 7,
                STARTED, FINISHED, List.of(), error, null, reason);
    }

    static RunReport missed(String runId) {
        return new RunReport(runId, "stops", Trigger.SCHEDULED, RunMode.full(), RunOutcome.MISSED, "web-2/77", 0,
                STARTED, STARTED, List.of(), null, null,
                "scheduled instant 2026-11-23T02:00:00Z came 3 h late, beyond the misfire grace time of 1 h");
    }

    static RunReport abandoned(String runId) {
        return new RunReport(runId, "stops", Trigger.MANUAL, RunMode.only("match"), RunOutcome.ABANDONED, null, 0,
                STARTED, FINISHED, List.of(), new RunError("match", "Abandoned", "no sign of life since 02:01:23"),
                null, null);
    }
}
