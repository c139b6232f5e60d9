package dev.pipelinesdk.api;

import java.util.Locale;

/** The {@code state} of a status document. On the wire the lower-case name is used. */
public enum RunState {
    /** No run has been recorded yet. */
    IDLE,
    /** A run is in progress. */
    RUNNING,
    /** The last run finished all its phases. */
    SUCCEEDED,
    /** The last run failed; the previous data is still served. */
    FAILED,
    /** A phase of the last run exceeded its timeout. */
    TIMED_OUT,
    /** The last run was cancelled (explicitly, by shutdown, or because its lease was lost). */
    CANCELLED,
    /** The last run ended early because a phase said the rest was not needed. */
    SKIPPED;

    /** @return the wire form, e.g. {@code "timed_out"} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return {@code true} for every state except {@link #IDLE} and {@link #RUNNING} */
    public boolean isFinished() {
        return this != IDLE && this != RUNNING;
    }

    /**
     * @param wire the wire form (case-insensitive)
     * @return the state
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static RunState fromWire(String wire) {
        return Wire.parse(RunState.class, wire, "state");
    }
}
