package dev.pipelinesdk.benchmarks;

import java.util.Objects;

/**
 * One line of the report.
 *
 * @param benchmark which benchmark
 * @param metric    what was measured
 * @param value     the figure as text (with its unit)
 * @param target    the target as text, or {@code ""} when there is none
 * @param met       whether the target was met; {@code null} without a target
 * @param note      how to read it (the baseline, the sample size)
 */
public record Figure(String benchmark, String metric, String value, String target, Boolean met, String note) {

    /** Validates. */
    public Figure {
        Objects.requireNonNull(benchmark, "benchmark");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(value, "value");
        target = target == null ? "" : target;
        note = note == null ? "" : note;
    }
}
