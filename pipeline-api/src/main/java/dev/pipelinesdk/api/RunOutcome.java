package dev.pipelinesdk.api;

import java.util.Locale;

/** How a call to {@code runOnce} ended. On the wire (history) the lower-case name is used. */
public enum RunOutcome {
    /** Every selected phase finished. */
    SUCCEEDED(RunState.SUCCEEDED),
    /** A phase failed after its retries; later phases did not run. */
    FAILED(RunState.FAILED),
    /** A phase exceeded its timeout; later phases did not run. */
    TIMED_OUT(RunState.TIMED_OUT),
    /** The run was cancelled (explicit cancel, shutdown, interrupt of the calling thread). */
    CANCELLED(RunState.CANCELLED),
    /** The lease could not be renewed; the run stopped so that no second holder works beside it. */
    LEASE_LOST(RunState.CANCELLED),
    /** A phase ended the run early: the rest was not needed. */
    SKIPPED(RunState.SKIPPED),
    /** Another run holds the lease; nothing was done. */
    ALREADY_RUNNING(null),
    /** A run whose process died while running; recorded by the next run that takes the lease. */
    ABANDONED(null),
    /**
     * A scheduled instant that was not run: the scheduler reached it later than the misfire grace
     * time (it was down, or another run held the lease until then). Recorded by the scheduler; the
     * next regular instant is kept.
     */
    MISSED(null);

    private final RunState state;

    RunOutcome(RunState state) {
        this.state = state;
    }

    /**
     * @return the status-document state a run with this outcome leaves behind, or {@code null} for
     *     outcomes that do not write a status ({@link #ALREADY_RUNNING}, {@link #ABANDONED},
     *     {@link #MISSED})
     */
    public RunState state() {
        return state;
    }

    /** @return the wire form, e.g. {@code "lease_lost"} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param wire the wire form (case-insensitive)
     * @return the outcome
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static RunOutcome fromWire(String wire) {
        return Wire.parse(RunOutcome.class, wire, "outcome");
    }
}
