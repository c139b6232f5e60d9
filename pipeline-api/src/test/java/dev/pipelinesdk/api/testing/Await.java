package dev.pipelinesdk.api.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded waiting on a condition, instead of a bare sleep before an assertion. Shipped in the test-jar. */
public final class Await {

    /** How long any condition is waited for before the test fails. */
    public static final Duration BOUND = Duration.ofSeconds(20);

    private Await() {
    }

    /**
     * @param condition checked every few milliseconds
     * @param what      what is awaited, for the failure message
     * @throws AssertionError when the condition does not hold within {@link #BOUND}
     */
    public static void until(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + BOUND + " waiting for " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
