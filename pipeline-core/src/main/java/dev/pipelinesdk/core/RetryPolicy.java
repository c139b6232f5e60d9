package dev.pipelinesdk.core;

import dev.pipelinesdk.api.RunCancelledException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How often a failing phase is tried and how long to wait between tries. Immutable. Timeouts and
 * cancellations are never retried, nor are {@link Error}s.
 *
 * <pre>{@code
 * RetryPolicy.builder().maxAttempts(3).backoff(Duration.ofSeconds(5), 2.0).retryOn(IOException.class).build()
 * }</pre>
 */
public final class RetryPolicy {

    /** The longest wait between two attempts accepted. */
    public static final Duration MAX_BACKOFF = Duration.ofHours(24);

    private static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, 1.0, Duration.ZERO, List.of(Exception.class));

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final double multiplier;
    private final Duration maxBackoff;
    private final List<Class<? extends Throwable>> retryOn;

    private RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff,
                        List<Class<? extends Throwable>> retryOn) {
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.multiplier = multiplier;
        this.maxBackoff = maxBackoff;
        this.retryOn = List.copyOf(retryOn);
    }

    /** @return one attempt, no retry (the default) */
    public static RetryPolicy none() {
        return NONE;
    }

    /** @return a builder: 3 attempts, 1 s backoff doubling up to 1 min, retrying any {@link Exception} */
    public static Builder builder() {
        return new Builder();
    }

    /** @return attempts in all, at least 1 */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** @return the exception types that are retried (subclasses included) */
    public List<Class<? extends Throwable>> retryOn() {
        return retryOn;
    }

    /**
     * @param error   the failure of attempt {@code attempt}
     * @param attempt the attempt that failed, 1-based
     * @return {@code true} when another attempt should run
     */
    public boolean shouldRetry(Throwable error, int attempt) {
        if (attempt >= maxAttempts || error instanceof Error || error instanceof RunCancelledException
                || error instanceof InterruptedException) {
            return false;
        }
        return retryOn.stream().anyMatch(type -> type.isInstance(error));
    }

    /**
     * @param failedAttempt the attempt that just failed, 1-based
     * @return how long to wait before the next attempt
     */
    public Duration backoffAfter(int failedAttempt) {
        double millis = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, failedAttempt - 1));
        return millis >= maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis((long) millis);
    }

    @Override
    public String toString() {
        return maxAttempts == 1 ? "no retry" : maxAttempts + " attempts, backoff " + initialBackoff
                + " x" + multiplier + " up to " + maxBackoff + " on " + retryOn.stream().map(Class::getSimpleName).toList();
    }

    /** Builds a {@link RetryPolicy}; each setter rejects a bad value naming it. */
    public static final class Builder {
        private int maxAttempts = 3;
        private Duration initialBackoff = Duration.ofSeconds(1);
        private double multiplier = 2.0;
        private Duration maxBackoff = Duration.ofMinutes(1);
        private final List<Class<? extends Throwable>> retryOn = new ArrayList<>();

        private Builder() {
        }

        /** @param attempts attempts in all, 1–100 @return this */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1 || attempts > 100) {
                throw new IllegalArgumentException("maxAttempts must be between 1 and 100, was " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * @param initial    wait before the second attempt (≥ 0)
         * @param multiplier factor applied for each further attempt (≥ 1)
         * @return this
         */
        public Builder backoff(Duration initial, double multiplier) {
            Objects.requireNonNull(initial, "initial");
            if (initial.isNegative() || initial.compareTo(MAX_BACKOFF) > 0) {
                throw new IllegalArgumentException("backoff must be between 0 and " + MAX_BACKOFF.toHours()
                        + " hours, was " + initial);
            }
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("backoff multiplier must be a finite number >= 1, was " + multiplier);
            }
            this.initialBackoff = initial;
            this.multiplier = multiplier;
            return this;
        }

        /** @param max the longest wait between attempts (≥ 0) @return this */
        public Builder maxBackoff(Duration max) {
            Objects.requireNonNull(max, "max");
            if (max.isNegative() || max.compareTo(MAX_BACKOFF) > 0) {
                throw new IllegalArgumentException("maxBackoff must be between 0 and " + MAX_BACKOFF.toHours()
                        + " hours, was " + max);
            }
            this.maxBackoff = max;
            return this;
        }

        /**
         * Retry only these exception types (and their subclasses); replaces the default (any
         * {@link Exception}).
         *
         * @param types exception types
         * @return this
         */
        @SafeVarargs
        public final Builder retryOn(Class<? extends Throwable>... types) {
            for (Class<? extends Throwable> type : types) {
                retryOn.add(Objects.requireNonNull(type, "retryOn type"));
            }
            return this;
        }

        /** @return the policy */
        public RetryPolicy build() {
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("maxBackoff " + maxBackoff + " is shorter than the initial backoff " + initialBackoff);
            }
            List<Class<? extends Throwable>> types = retryOn.isEmpty() ? List.of(Exception.class) : retryOn;
            return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff, types);
        }
    }
}
