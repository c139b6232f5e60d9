package dev.pipelinesdk.core;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded waiting on a condition; never a bare sleep before an assertion. */
final class Await {
    static final Duration BOUND = Duration.ofSeconds(20);

    private Await() {
    }

    static void until(BooleanSupplier condition, String what) {
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
