package dev.pipelinesdk.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * How one phase of a run went.
 *
 * @param name       the phase's name
 * @param index      its position among the run's phases, 1-based
 * @param outcome    how it ended
 * @param startedAt  when its first attempt started
 * @param finishedAt when its last attempt ended
 * @param attempts   how many attempts ran (1 = no retry)
 * @param counters   the counters it reported ({@link PhaseContext#count(String, long)})
 * @param error      why it did not succeed, {@code null} when it did
 */
public record PhaseReport(String name, int index, PhaseOutcome outcome, Instant startedAt, Instant finishedAt,
                          int attempts, Map<String, Long> counters, RunError error) {

    /** Validates and copies. */
    public PhaseReport {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        counters = Map.copyOf(counters);
    }

    /** @return the time from the first attempt's start to the last attempt's end */
    public Duration duration() {
        return Duration.between(startedAt, finishedAt);
    }
}
