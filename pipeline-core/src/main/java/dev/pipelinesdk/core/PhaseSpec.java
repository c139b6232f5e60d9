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
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("Timeout of phase '" + phase.name() + "' must be > 0, was " + timeout);
        }
    }

    /** @return the phase's name */
    public String name() {
        return phase.name();
    }
}
