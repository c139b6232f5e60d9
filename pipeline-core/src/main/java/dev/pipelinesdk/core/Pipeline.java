package dev.pipelinesdk.core;

import dev.pipelinesdk.api.Names;
import dev.pipelinesdk.api.Phase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A pipeline definition: a name and its ordered phases, each with a timeout and a retry policy.
 * Immutable; build one with {@link #builder(String)}.
 *
 * <pre>{@code
 * Pipeline stops = Pipeline.builder("stops")
 *     .defaultTimeout(Duration.ofMinutes(30))
 *     .phase(download, Duration.ofMinutes(10), RetryPolicy.builder().maxAttempts(3).build())
 *     .phase(match)
 *     .phase(importPhase)
 *     .build();
 * }</pre>
 */
public final class Pipeline {

    /** The timeout of a phase when neither the phase nor the pipeline sets one. */
    public static final Duration DEFAULT_PHASE_TIMEOUT = Duration.ofHours(1);

    private final String name;
    private final List<PhaseSpec> phases;
    private final List<String> phaseNames;

    private Pipeline(String name, List<PhaseSpec> phases) {
        this.name = name;
        this.phases = List.copyOf(phases);
        this.phaseNames = this.phases.stream().map(PhaseSpec::name).toList();
    }

    /**
     * @param name 1–64 characters of {@code a-z 0-9 _ -} (it becomes part of file paths and keys)
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(Names.requirePipeline(name));
    }

    /** @return the pipeline's name */
    public String name() {
        return name;
    }

    /** @return the phases in run order */
    public List<PhaseSpec> phases() {
        return phases;
    }

    /** @return the phase names in run order */
    public List<String> phaseNames() {
        return phaseNames;
    }

    /**
     * @param phaseName a phase name
     * @return that phase's spec, if the pipeline has it
     */
    public Optional<PhaseSpec> phase(String phaseName) {
        return phases.stream().filter(p -> p.name().equals(phaseName)).findFirst();
    }

    @Override
    public String toString() {
        return "Pipeline[" + name + ": " + String.join(" -> ", phaseNames) + "]";
    }

    /** A phase as added, its unset rules still to be filled with the builder's defaults. */
    private record Entry(Phase phase, Duration timeout, RetryPolicy retry) {
    }

    /** Builds a {@link Pipeline}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private final List<Entry> entries = new ArrayList<>();
        private Duration defaultTimeout = DEFAULT_PHASE_TIMEOUT;
        private RetryPolicy defaultRetry = RetryPolicy.none();

        private Builder(String name) {
            this.name = name;
        }

        /** @param timeout timeout for phases added without one (> 0; default 1 h) @return this */
        public Builder defaultTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(PipelineRunner.MAX_DURATION) > 0) {
                throw new IllegalArgumentException("defaultTimeout must be > 0 and at most "
                        + PipelineRunner.MAX_DURATION.toDays() + " days, was " + timeout);
            }
            this.defaultTimeout = timeout;
            return this;
        }

        /** @param retry retry policy for phases added without one (default: no retry) @return this */
        public Builder defaultRetry(RetryPolicy retry) {
            this.defaultRetry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /** @param phase the next phase, with the default timeout and retry policy @return this */
        public Builder phase(Phase phase) {
            return add(phase, null, null);
        }

        /**
         * @param phase   the next phase
         * @param timeout its timeout per attempt
         * @return this
         */
        public Builder phase(Phase phase, Duration timeout) {
            return add(phase, Objects.requireNonNull(timeout, "timeout"), null);
        }

        /**
         * @param phase   the next phase
         * @param timeout its timeout per attempt
         * @param retry   its retry policy
         * @return this
         */
        public Builder phase(Phase phase, Duration timeout, RetryPolicy retry) {
            return add(phase, Objects.requireNonNull(timeout, "timeout"), Objects.requireNonNull(retry, "retry"));
        }

        private Builder add(Phase phase, Duration timeout, RetryPolicy retry) {
            Objects.requireNonNull(phase, "phase");
            Names.requirePhase(phase.name());
            if (timeout != null) {
                new PhaseSpec(phase, timeout, RetryPolicy.none()); // rejects a bad timeout here, not at build()
            }
            entries.add(new Entry(phase, timeout, retry));
            return this;
        }

        /**
         * @return the pipeline
         * @throws IllegalArgumentException when it has no phases or two phases share a name
         */
        public Pipeline build() {
            if (entries.isEmpty()) {
                throw new IllegalArgumentException("Pipeline '" + name + "' has no phases");
            }
            Set<String> seen = new HashSet<>();
            List<PhaseSpec> specs = new ArrayList<>();
            for (Entry e : entries) {
                if (!seen.add(e.phase().name())) {
                    throw new IllegalArgumentException("Pipeline '" + name + "' has two phases named '" + e.phase().name() + "'");
                }
                specs.add(new PhaseSpec(e.phase(),
                        e.timeout() != null ? e.timeout() : defaultTimeout,
                        e.retry() != null ? e.retry() : defaultRetry));
            }
            return new Pipeline(name, specs);
        }
    }
}
