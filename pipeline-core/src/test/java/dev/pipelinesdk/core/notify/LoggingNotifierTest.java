package dev.pipelinesdk.core.notify;

import dev.pipelinesdk.core.testing.StderrCapture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelinesdk.api.RunError;
import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.Trigger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class LoggingNotifierTest {

    /** Every outcome a listener can hear of, sent through the callback that carries it. */
    private static Map<RunOutcome, Level> logged(LoggingNotifier.Builder builder) {
        Map<RunOutcome, Level> lines = new EnumMap<>(RunOutcome.class);
        List<String> texts = new ArrayList<>();
        LoggingNotifier notifier = builder.sink((level, line) -> {
            texts.add(line);
            RunOutcome outcome = null;
            for (RunOutcome o : RunOutcome.values()) {
                if (line.contains(" run " + o.wireName() + "-1 ")) {
                    outcome = o;
                }
            }
            lines.put(outcome, level);
        }).build();
        for (RunOutcome outcome : RunOutcome.values()) {
            if (outcome == RunOutcome.ALREADY_RUNNING) {
                continue;
            }
            RunReport report = Reports.of(outcome, outcome.wireName() + "-1");
            switch (outcome) {
                case ABANDONED -> notifier.onRunAbandoned(report);
                case MISSED -> notifier.onRunMissed(report);
                default -> notifier.onRunFinished(report);
            }
        }
        assertThat(texts).hasSize(lines.size());
        return lines;
    }

    @Test
    void defaults_logTheRunsThatNeedAttention() {
        Map<RunOutcome, Level> lines = logged(LoggingNotifier.builder());

        assertThat(lines).containsOnlyKeys(RunOutcome.FAILED, RunOutcome.TIMED_OUT, RunOutcome.LEASE_LOST,
                RunOutcome.ABANDONED, RunOutcome.MISSED);
        assertThat(lines).containsEntry(RunOutcome.FAILED, Level.ERROR).containsEntry(RunOutcome.TIMED_OUT, Level.ERROR)
                .containsEntry(RunOutcome.LEASE_LOST, Level.ERROR).containsEntry(RunOutcome.ABANDONED, Level.ERROR)
                .containsEntry(RunOutcome.MISSED, Level.WARN);
        assertThat(LoggingNotifier.ofDefaults().outcomes()).isEqualTo(LoggingNotifier.DEFAULT_OUTCOMES);
    }

    @Test
    void configuredOutcomes_areTheOnesLogged() {
        Map<RunOutcome, Level> lines = logged(LoggingNotifier.builder()
                .outcomes(RunOutcome.SUCCEEDED, RunOutcome.SKIPPED, RunOutcome.CANCELLED, RunOutcome.FAILED));

        assertThat(lines).containsOnlyKeys(RunOutcome.SUCCEEDED, RunOutcome.SKIPPED, RunOutcome.CANCELLED,
                RunOutcome.FAILED);
        assertThat(lines).containsEntry(RunOutcome.SUCCEEDED, Level.INFO).containsEntry(RunOutcome.SKIPPED, Level.INFO)
                .containsEntry(RunOutcome.CANCELLED, Level.WARN).containsEntry(RunOutcome.FAILED, Level.ERROR);
    }

    @Test
    void describe_failedRun() {
        assertThat(LoggingNotifier.describe(Reports.failed("20261123T020000Z-aa"))).isEqualTo(
                "Pipeline 'stops' run 20261123T020000Z-aa failed after 1 min 23 s"
                        + " (trigger scheduled, mode full, owner web-1/4242): phase 'match' IOException: disk full");
    }

    @Test
    void describe_missedRun_givesTheReasonAndNoDuration() {
        assertThat(LoggingNotifier.describe(Reports.missed("m-1"))).isEqualTo(
                "Pipeline 'stops' run m-1 was missed (trigger scheduled, mode full, owner web-2/77): reason: scheduled"
                        + " instant 2026-11-23T02:00:00Z came 3 h late, beyond the misfire grace time of 1 h");
    }

    @Test
    void describe_abandonedRun_withoutOwner() {
        assertThat(LoggingNotifier.describe(Reports.abandoned("a-1"))).isEqualTo(
                "Pipeline 'stops' run a-1 was abandoned after 1 min 23 s (trigger manual, mode only:match):"
                        + " phase 'match' Abandoned: no sign of life since 02:01:23");
    }

    @Test
    void describe_keepsOneLineAndCopesWithMissingParts() {
        RunReport report = new RunReport("r-1", "stops", null, null, RunOutcome.LEASE_LOST, null, 0,
                Reports.STARTED, Reports.STARTED.plusMillis(250), List.of(),
                new RunError(null, "LeaseLost", "renewal failed:\nconnection reset\r\nby peer"), null, null);

        assertThat(LoggingNotifier.describe(report)).isEqualTo(
                "Pipeline 'stops' run r-1 lost its lease after 250 ms: LeaseLost: renewal failed: connection reset  by peer");
    }

    @Test
    void describe_skippedRun_givesTheReason() {
        RunReport report = new RunReport("s-1", "stops", Trigger.CLI, RunMode.from("match"), RunOutcome.SKIPPED,
                "n/1", 3, Reports.STARTED, Reports.STARTED.plusMillis(12_345), List.of(), null, null, "sources unchanged");

        assertThat(LoggingNotifier.describe(report)).isEqualTo(
                "Pipeline 'stops' run s-1 was skipped after 12.345 s"
                        + " (trigger cli, mode from:match, owner n/1): reason: sources unchanged");
    }

    @Test
    void human_durations() {
        assertThat(LoggingNotifier.human(Duration.ofMillis(999))).isEqualTo("999 ms");
        assertThat(LoggingNotifier.human(Duration.ofMillis(12_500))).isEqualTo("12.5 s");
        assertThat(LoggingNotifier.human(Duration.ofSeconds(30))).isEqualTo("30 s");
        assertThat(LoggingNotifier.human(Duration.ofSeconds(3723))).isEqualTo("1 h 2 min 3 s");
        assertThat(LoggingNotifier.human(Duration.ofHours(2))).isEqualTo("2 h");
    }

    @Test
    void realLogger_writesTheLineAtError() {
        try (StderrCapture log = new StderrCapture()) {
            LoggingNotifier.builder().loggerName("stops.notifications").build().onRunFinished(Reports.failed("r-9"));

            assertThat(log.text()).contains("ERROR stops.notifications - " + LoggingNotifier.describe(Reports.failed("r-9")));
        }
    }

    @Test
    void builder_rejectsBadSettings() {
        assertThatThrownBy(() -> LoggingNotifier.builder().outcomes(List.of()))
                .hasMessage("outcomes must name at least one outcome");
        assertThatThrownBy(() -> LoggingNotifier.builder().outcomes(RunOutcome.ALREADY_RUNNING))
                .hasMessage("outcomes must not contain ALREADY_RUNNING: listeners never hear of it");
        assertThatThrownBy(() -> LoggingNotifier.builder().loggerName(" ")).hasMessage("loggerName must not be blank, was ' '");
    }
}
