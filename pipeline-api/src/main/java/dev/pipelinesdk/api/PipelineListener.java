package dev.pipelinesdk.api;

/**
 * Callbacks on a run's life, e.g. to send a failure notification. Every method has an empty
 * default. Callbacks run on the runner's threads and should return quickly; an exception thrown
 * by a listener is logged and never affects the run.
 */
public interface PipelineListener {

    /** @param run the run that took the lease and is about to run its first phase */
    default void onRunStarted(RunInfo run) {
    }

    /**
     * @param run   the run
     * @param phase the phase about to start
     * @param index its 1-based position among the run's phases
     */
    default void onPhaseStarted(RunInfo run, String phase, int index) {
    }

    /**
     * @param run    the run
     * @param report how the phase went
     */
    default void onPhaseFinished(RunInfo run, PhaseReport report) {
    }

    /** @param report how the run went (every outcome except {@link RunOutcome#ALREADY_RUNNING}) */
    default void onRunFinished(RunReport report) {
    }

    /**
     * @param abandoned a run found {@code running} without a lease: its process died; the report
     *                  is reconstructed from the last status document it published
     */
    default void onRunAbandoned(RunReport abandoned) {
    }

    /**
     * @param missed a scheduled instant the scheduler did not run because it came later than the
     *               misfire grace time; its {@code skipReason} says why and which instant it was
     */
    default void onRunMissed(RunReport missed) {
    }
}
