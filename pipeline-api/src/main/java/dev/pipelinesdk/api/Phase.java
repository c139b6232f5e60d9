package dev.pipelinesdk.api;

import java.util.Objects;

/**
 * One step of a pipeline: download, match, import, ... Phases run in order, each attempt on a
 * thread of the runner's phase pool (not the thread that called {@code runOnce}; threads are
 * reused from run to run, so a phase must not leave {@code ThreadLocal} values behind), and share
 * data through {@link PhaseContext#put(ContextKey, Object)}. The attempt's thread has the context
 * class loader of the thread that called {@code runOnce}.
 *
 * <p>A phase should check {@link PhaseContext#isCancelled()} (or call
 * {@link PhaseContext#throwIfCancelled()}) in its loops and react to thread interruption, so
 * that timeouts and lost leases stop it promptly.
 */
public interface Phase {

    /**
     * @return the phase's name, unique within its pipeline; letters, digits, {@code _ . -}, at
     *     most 64 characters (it appears in run modes such as {@code only:match,import})
     */
    String name();

    /**
     * Does the phase's work.
     *
     * @param ctx the run's context: progress, messages, counters, values from earlier phases
     * @return {@link PhaseResult#done()} to go on with the next phase, or
     *     {@link PhaseResult#skipRest(String)} to end the run early as skipped
     * @throws Exception any failure; the runner retries it if the phase's retry policy says so,
     *     otherwise the run fails and later phases do not run
     */
    PhaseResult run(PhaseContext ctx) throws Exception;

    /**
     * A phase whose body returns nothing: it always continues with the next phase.
     *
     * @param name the phase name
     * @param body the work
     * @return a phase
     */
    static Phase of(String name, Body body) {
        Objects.requireNonNull(body, "body");
        Names.requirePhase(name);
        return new Phase() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public PhaseResult run(PhaseContext ctx) throws Exception {
                body.run(ctx);
                return PhaseResult.done();
            }

            @Override
            public String toString() {
                return "Phase[" + name + "]";
            }
        };
    }

    /** The body of a phase made with {@link #of(String, Body)}. */
    @FunctionalInterface
    interface Body {
        /**
         * @param ctx the run's context
         * @throws Exception any failure
         */
        void run(PhaseContext ctx) throws Exception;
    }
}
