package dev.pipelinesdk.api;

/** How one phase of a run ended. */
public enum PhaseOutcome {
    /** The phase returned normally. */
    SUCCEEDED,
    /** The phase returned {@link PhaseResult#skipRest(String)}; it counts as finished. */
    SKIPPED_REST,
    /** The phase threw after its last attempt. */
    FAILED,
    /** The phase exceeded its timeout. */
    TIMED_OUT,
    /** The phase was stopped by a cancel or a lost lease. */
    CANCELLED
}
