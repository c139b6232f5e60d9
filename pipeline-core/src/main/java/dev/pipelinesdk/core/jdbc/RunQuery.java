package dev.pipelinesdk.core.jdbc;

import dev.pipelinesdk.api.Names;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.core.internal.Checks;
import java.util.Objects;
import java.util.Optional;

/**
 * Which finished runs {@link JdbcRunHistory#recent(RunQuery)} returns: optionally one pipeline,
 * optionally one outcome, at most {@link #limit()} runs, newest first. Immutable.
 *
 * <pre>{@code
 * history.recent(RunQuery.builder().pipeline("stops").outcome(RunOutcome.FAILED).limit(20).build());
 * }</pre>
 */
public final class RunQuery {

    /** The limit when none is set. */
    public static final int DEFAULT_LIMIT = 50;

    /** The largest limit accepted. */
    public static final int MAX_LIMIT = 1000;

    private final String pipeline;
    private final RunOutcome outcome;
    private final int limit;

    private RunQuery(Builder b) {
        this.pipeline = b.pipeline;
        this.outcome = b.outcome;
        this.limit = b.limit;
    }

    /** @return a builder: every pipeline, every outcome, {@value #DEFAULT_LIMIT} runs */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the newest {@value #DEFAULT_LIMIT} runs of every pipeline */
    public static RunQuery all() {
        return builder().build();
    }

    /** @return the pipeline the runs belong to, empty for every pipeline */
    public Optional<String> pipeline() {
        return Optional.ofNullable(pipeline);
    }

    /** @return the outcome the runs had, empty for every outcome */
    public Optional<RunOutcome> outcome() {
        return Optional.ofNullable(outcome);
    }

    /** @return at most this many runs are returned ({@code 1..}{@value #MAX_LIMIT}) */
    public int limit() {
        return limit;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RunQuery q && Objects.equals(pipeline, q.pipeline) && outcome == q.outcome && limit == q.limit;
    }

    @Override
    public int hashCode() {
        return Objects.hash(pipeline, outcome, limit);
    }

    @Override
    public String toString() {
        return "RunQuery[pipeline=" + pipeline + ", outcome=" + outcome + ", limit=" + limit + "]";
    }

    /** Builds a {@link RunQuery}; every setter rejects a bad value with the value in the message. Not thread-safe. */
    public static final class Builder {
        private String pipeline;
        private RunOutcome outcome;
        private int limit = DEFAULT_LIMIT;

        private Builder() {
        }

        /**
         * @param pipeline only runs of this pipeline; {@code null} for every pipeline
         * @return this
         * @throws IllegalArgumentException when it is not a valid pipeline name
         */
        public Builder pipeline(String pipeline) {
            this.pipeline = pipeline == null ? null : Names.requirePipeline(pipeline);
            return this;
        }

        /**
         * @param outcome only runs that ended so; {@code null} for every outcome
         * @return this
         */
        public Builder outcome(RunOutcome outcome) {
            this.outcome = outcome;
            return this;
        }

        /**
         * @param limit at most this many runs, {@code 1..}{@value #MAX_LIMIT}
         * @return this
         * @throws IllegalArgumentException when out of range
         */
        public Builder limit(int limit) {
            this.limit = Checks.within("limit", limit, 1, MAX_LIMIT);
            return this;
        }

        /** @return the query */
        public RunQuery build() {
            return new RunQuery(this);
        }
    }
}
