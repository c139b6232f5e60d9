package dev.pipelinesdk.embeddedpg.internal;

import java.time.Duration;

/** Argument checks shared by the builders of this module. Not part of the API. */
public final class Arguments {

    private Arguments() {
    }

    /**
     * @param d    a duration
     * @param what the setting's name, for the message
     * @return the duration
     * @throws IllegalArgumentException naming the setting and the value unless it is positive
     */
    public static Duration positive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
        return d;
    }
}
