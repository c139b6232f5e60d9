package dev.pipelinesdk.core.internal;

import java.time.Duration;
import java.util.Objects;

/** Argument checks shared by the builders. Not part of the API. */
public final class Checks {

    private Checks() {
    }

    /**
     * @param what  the setting's name, for the message
     * @param value the value
     * @param min   the smallest accepted
     * @param max   the largest accepted
     * @return the value
     * @throws IllegalArgumentException naming the setting, the bounds and the value when outside
     */
    public static Duration within(String what, Duration value, Duration min, Duration max) {
        Objects.requireNonNull(value, what);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    /**
     * @param what  the setting's name, for the message
     * @param value the value
     * @param min   the smallest accepted
     * @param max   the largest accepted
     * @return the value
     * @throws IllegalArgumentException naming the setting, the bounds and the value when outside
     */
    public static int within(String what, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }
}
