package dev.pipelinesdk.core.notify;

import dev.pipelinesdk.api.PipelineListener;
import dev.pipelinesdk.api.RunError;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * A {@link PipelineListener} that logs one line per run whose outcome it is told to report: at
 * ERROR for runs that broke ({@code FAILED}, {@code TIMED_OUT}, {@code LEASE_LOST},
 * {@code ABANDONED}), at WARN for runs that did not happen or were stopped on purpose
 * ({@code MISSED}, {@code CANCELLED}) and at INFO for the rest. Immutable and thread-safe.
 *
 * <pre>{@code
 * PipelineRunner.builder(backend).listener(LoggingNotifier.ofDefaults())
 * }</pre>
 *
 * <p>A line reads like {@code Pipeline 'stops' run 20261123T020000Z-1a2b3c failed after 1 min
 * 12.5 s (trigger scheduled, mode full, owner web-1/4242): phase 'match' IOException: disk full}.
 * The stack trace is not repeated here: the runner has logged it.
 */
public final class LoggingNotifier implements PipelineListener {

    /** The outcomes reported unless told otherwise: FAILED, TIMED_OUT, LEASE_LOST, ABANDONED, MISSED. */
    public static final Set<RunOutcome> DEFAULT_OUTCOMES = Outcomes.DEFAULT;

    private final Set<RunOutcome> outcomes;
    private final BiConsumer<Level, String> sink;

    private LoggingNotifier(Builder b) {
        this.outcomes = b.outcomes;
        this.sink = b.sink != null ? b.sink : toLogger(LoggerFactory.getLogger(b.loggerName));
    }

    private static BiConsumer<Level, String> toLogger(Logger log) {
        return (level, line) -> log.atLevel(level).log(line);
    }

    /** @return a notifier for {@link #DEFAULT_OUTCOMES}, logging as {@code dev.pipelinesdk.core.notify.LoggingNotifier} */
    public static LoggingNotifier ofDefaults() {
        return builder().build();
    }

    /** @return a builder with the defaults described on each setter */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param outcome a run's outcome
     * @return {@code true} when a run with this outcome is logged
     */
    public boolean notifies(RunOutcome outcome) {
        return outcomes.contains(outcome);
    }

    /** @return the outcomes this notifier logs */
    public Set<RunOutcome> outcomes() {
        return outcomes;
    }

    /**
     * @param outcome a run's outcome
     * @return the level its line is logged at: ERROR for FAILED, TIMED_OUT, LEASE_LOST and
     *     ABANDONED; WARN for MISSED and CANCELLED; INFO otherwise
     */
    public static Level levelOf(RunOutcome outcome) {
        return switch (Objects.requireNonNull(outcome, "outcome")) {
            case FAILED, TIMED_OUT, LEASE_LOST, ABANDONED -> Level.ERROR;
            case MISSED, CANCELLED -> Level.WARN;
            default -> Level.INFO;
        };
    }

    /**
     * The line logged for a run: pipeline, run id, outcome, duration (not for a missed run),
     * trigger, mode, owner, then the error's phase, type and message and the skip or miss reason
     * when there are. Line breaks in messages become spaces.
     *
     * @param report the run
     * @return one line
     */
    public static String describe(RunReport report) {
        StringBuilder line = new StringBuilder(160);
        line.append("Pipeline '").append(Outcomes.oneLine(report.pipeline())).append("' run ")
                .append(Outcomes.oneLine(report.runId())).append(' ').append(Outcomes.verb(report.outcome()));
        if (report.outcome() != RunOutcome.MISSED) {
            line.append(" after ").append(human(report.duration()));
        }
        List<String> context = new ArrayList<>(3);
        if (report.trigger() != null) {
            context.add("trigger " + report.trigger().wireName());
        }
        if (report.mode() != null) {
            context.add("mode " + report.mode());
        }
        if (report.owner() != null) {
            context.add("owner " + Outcomes.oneLine(report.owner()));
        }
        if (!context.isEmpty()) {
            line.append(" (").append(String.join(", ", context)).append(')');
        }
        List<String> details = new ArrayList<>(2);
        if (report.error() != null) {
            details.add(describe(report.error()));
        }
        if (report.skipReason() != null && !report.skipReason().isBlank()) {
            details.add("reason: " + Outcomes.oneLine(report.skipReason()));
        }
        if (!details.isEmpty()) {
            line.append(": ").append(String.join("; ", details));
        }
        return line.toString();
    }

    private static String describe(RunError error) {
        String where = error.phase() == null ? "" : "phase '" + Outcomes.oneLine(error.phase()) + "' ";
        String message = error.message().isEmpty() ? "" : ": " + Outcomes.oneLine(error.message());
        return where + Outcomes.oneLine(error.type()) + message;
    }

    /** @return e.g. {@code 250 ms}, {@code 12.5 s}, {@code 1 h 2 min 3 s} */
    static String human(Duration d) {
        long ms = d.toMillis();
        if (Math.abs(ms) < 1_000) {
            return ms + " ms";
        }
        if (Math.abs(ms) < 60_000) {
            String s = String.format(Locale.ROOT, "%.3f", ms / 1000.0).replaceAll("\\.?0+$", "");
            return s + " s";
        }
        long seconds = d.toSeconds();
        long h = seconds / 3600;
        long min = seconds % 3600 / 60;
        long s = seconds % 60;
        StringBuilder out = new StringBuilder();
        if (h != 0) {
            out.append(h).append(" h");
        }
        if (min != 0) {
            out.append(out.length() > 0 ? " " : "").append(min).append(" min");
        }
        if (s != 0) {
            out.append(out.length() > 0 ? " " : "").append(s).append(" s");
        }
        return out.toString();
    }

    @Override
    public void onRunFinished(RunReport report) {
        notify(report);
    }

    @Override
    public void onRunAbandoned(RunReport abandoned) {
        notify(abandoned);
    }

    @Override
    public void onRunMissed(RunReport missed) {
        notify(missed);
    }

    private void notify(RunReport report) {
        if (report != null && notifies(report.outcome())) {
            sink.accept(levelOf(report.outcome()), describe(report));
        }
    }

    @Override
    public String toString() {
        return "LoggingNotifier" + outcomes;
    }

    /** Builds a {@link LoggingNotifier}. Every setter rejects a bad value with the value in the message. Not thread-safe. */
    public static final class Builder {
        private Set<RunOutcome> outcomes = DEFAULT_OUTCOMES;
        private String loggerName = LoggingNotifier.class.getName();
        private BiConsumer<Level, String> sink;

        private Builder() {
        }

        /**
         * @param outcomes the outcomes to log (default {@link #DEFAULT_OUTCOMES}); at least one, not
         *                 {@link RunOutcome#ALREADY_RUNNING}
         * @return this
         */
        public Builder outcomes(Collection<RunOutcome> outcomes) {
            this.outcomes = Outcomes.validate("outcomes", outcomes);
            return this;
        }

        /**
         * @param outcomes the outcomes to log, e.g. {@code DEFAULT_OUTCOMES} plus {@code CANCELLED}
         * @return this
         * @see #outcomes(Collection)
         */
        public Builder outcomes(RunOutcome... outcomes) {
            return outcomes(Arrays.asList(Objects.requireNonNull(outcomes, "outcomes")));
        }

        /**
         * @param name the slf4j logger to write to (default this class's name)
         * @return this
         */
        public Builder loggerName(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("loggerName must not be blank, was '" + name + "'");
            }
            this.loggerName = name;
            return this;
        }

        /** For tests: receive the lines instead of a logger. */
        Builder sink(BiConsumer<Level, String> sink) {
            this.sink = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /** @return the notifier */
        public LoggingNotifier build() {
            return new LoggingNotifier(this);
        }
    }
}
