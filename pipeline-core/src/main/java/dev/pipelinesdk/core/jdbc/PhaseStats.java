package dev.pipelinesdk.core.jdbc;

import java.time.Duration;
import java.util.Objects;

/**
 * How long one phase took in a pipeline's recent successful runs (those
 * {@link JdbcRunHistory#phaseStatistics} looks at). Percentiles are interpolated between samples
 * (PostgreSQL's {@code percentile_cont}); the median of an even count is the mean of the two middle
 * durations.
 *
 * @param phase   the phase's name
 * @param samples how many durations the figures come from (≥ 1)
 * @param median  the median duration
 * @param p90     the 90th percentile
 * @param min     the shortest
 * @param max     the longest
 */
public record PhaseStats(String phase, int samples, Duration median, Duration p90, Duration min, Duration max) {

    /** Validates the figures. */
    public PhaseStats {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(median, "median");
        Objects.requireNonNull(p90, "p90");
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(max, "max");
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, was " + samples);
        }
    }
}
