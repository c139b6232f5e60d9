package dev.pipelinesdk.api;

import java.util.Locale;

/** Who started a run. On the wire (status document, history) the lower-case name is used. */
public enum Trigger {
    /** A due execution of the pipeline's schedule. */
    SCHEDULED,
    /** A person or program asked for a run through the API ({@code trigger(name)}, {@code runOnce}). */
    MANUAL,
    /** The command line. */
    CLI,
    /** The HTTP API. */
    HTTP,
    /** A test suite. */
    TEST;

    /** @return the wire form, e.g. {@code "scheduled"} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param wire the wire form (case-insensitive)
     * @return the trigger
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static Trigger fromWire(String wire) {
        return Wire.parse(Trigger.class, wire, "trigger");
    }
}
