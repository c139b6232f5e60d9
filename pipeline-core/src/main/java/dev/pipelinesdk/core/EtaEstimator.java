package dev.pipelinesdk.core;

import dev.pipelinesdk.api.Progress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Estimates how long a running run still needs. Called by the runner each time it publishes the
 * status, so it must be cheap and must not do I/O: everything it needs is in the {@link Input}.
 */
@FunctionalInterface
public interface EtaEstimator {

    /**
     * @param input the run's state
     * @return the estimated time left, empty when there is nothing to base it on
     */
    Optional<Duration> estimate(Input input);

    /**
     * The default: per-phase medians of recent successful runs blended with the live progress
     * rate of the current phase (the more of the phase is done, the more the live rate counts).
     * Phases with no history are estimated from this run's own pace.
     *
     * @return the estimator
     */
    static EtaEstimator blended() {
        return BlendedEtaEstimator.INSTANCE;
    }

    /**
     * What an estimate is based on.
     *
     * @param phases           the run's phases, in order
     * @param currentIndex     the running phase's position in {@code phases}, 0-based
     * @param currentElapsed   how long the running phase has run
     * @param currentProgress  its progress, {@code null} when it reported none
     * @param completed        durations of this run's phases that already finished
     * @param typical          typical durations per phase from history (may be empty)
     */
    record Input(List<String> phases, int currentIndex, Duration currentElapsed, Progress currentProgress,
                 Map<String, Duration> completed, Map<String, Duration> typical) {

        /** Validates and copies. */
        public Input {
            phases = List.copyOf(phases);
            Objects.checkIndex(currentIndex, phases.size());
            Objects.requireNonNull(currentElapsed, "currentElapsed");
            completed = Map.copyOf(completed);
            typical = Map.copyOf(typical);
        }
    }
}
