package dev.pipelinesdk.core;

import dev.pipelinesdk.api.Phase;
import java.time.Duration;
import java.util.Objects;

/**
 * A phase with its run rules, as held by a {@link Pipeline}.
 *
 * @param phase   the phase
 * @param timeout how long one attempt may take before the run is stopped as timed out
 * @param retry   how failures are retried
 */
public record PhaseSpec(Phase phase, Duration timeout, RetryPolicy retry) {

    /** Validates the spec. */
    public PhaseSpec {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(retry, "retry");
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(PipelineRunner.MAX_DURATION) > 0) {
            throw new IllegalArgumentException("Timeout of phase '" + phase.name() + "' must be > 0 and at most "
                    + PipelineRunner.MAX_DURATION.toDays() + " days, was " + timeout);
        }
    }

    /** @return the phase's name */
    public String name() {
        return phase.name();
    }
}
