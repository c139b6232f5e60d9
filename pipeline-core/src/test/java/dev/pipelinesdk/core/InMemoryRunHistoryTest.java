package dev.pipelinesdk.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelinesdk.api.PhaseOutcome;
import dev.pipelinesdk.api.PhaseReport;
import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemoryRunHistoryTest {
    private static final Instant T0 = Instant.parse("2026-11-23T02:00:00Z");

    private static RunReport run(int n, RunOutcome outcome, Duration matchTook) {
        Instant start = T0.plus(Duration.ofHours(n));
        PhaseReport match = new PhaseReport("match", 1, outcome == RunOutcome.SUCCEEDED ? PhaseOutcome.SUCCEEDED
                : PhaseOutcome.FAILED, start, start.plus(matchTook), 1, Map.of(), null);
        return new RunReport("run-" + n, "stops", Trigger.TEST, RunMode.full(), outcome, "owner", n, start,
                start.plus(matchTook), List.of(match), null, null, null);
    }

    @Test
    void aRunsOwnReportReplacesAnAbandonedRecordInPlace_butNotTheOtherWayRound() {
        InMemoryRunHistory history = new InMemoryRunHistory();
        RunReport before = run(1, RunOutcome.SUCCEEDED, Duration.ofSeconds(1));
        RunReport own = run(2, RunOutcome.SUCCEEDED, Duration.ofSeconds(2));
        RunReport abandoned = new RunReport(own.runId(), own.pipeline(), own.trigger(), own.mode(), RunOutcome.ABANDONED,
                null, 0, own.startedAt(), own.startedAt().plusSeconds(1), java.util.List.of(), null, null, null);
        RunReport after = run(3, RunOutcome.FAILED, Duration.ofSeconds(3));
        history.record(before);
        history.record(abandoned);
        history.record(after);

        history.record(own);
        history.record(abandoned);

        assertThat(history.find(own.runId())).contains(own);
        assertThat(history.recent(own.pipeline(), 10)).containsExactly(after, own, before);
    }

    @Test
    void typicalDurationsAreTheMedianOfTheLastSuccessfulRunsOnly() {
        InMemoryRunHistory history = new InMemoryRunHistory(1000);
        for (int i = 0; i < 500; i++) { // old runs: slow
            history.record(run(i, RunOutcome.SUCCEEDED, Duration.ofSeconds(100)));
        }
        for (int i = 500; i < 500 + InMemoryRunHistory.TYPICAL_DURATION_SAMPLE; i++) { // the last ten successes: fast
            history.record(run(i, RunOutcome.SUCCEEDED, Duration.ofSeconds(2)));
        }
        history.record(run(600, RunOutcome.FAILED, Duration.ofSeconds(999))); // failures do not count

        assertThat(history.typicalPhaseDurations("stops")).containsExactly(Map.entry("match", Duration.ofSeconds(2)));
        assertThat(history.typicalPhaseDurations("other")).isEmpty();
    }
}
