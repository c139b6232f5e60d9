package dev.pipelinesdk.api.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/** Bounded waiting on a condition, instead of a bare sleep before an assertion. Shipped in the test-jar. */
public final class Await {

    /** How long any condition is waited for before the test fails. */
    public static final Duration BOUND = Duration.ofSeconds(20);

    private Await() {
    }

    /**
     * Waits for a condition that may throw while a server is away: an exception counts as "not
     * yet", and the last one is attached to the failure.
     *
     * @param bound     how long to wait at most
     * @param what      what is awaited, for the failure message
     * @param condition checked every 10 ms
     * @throws AssertionError when the condition does not hold within {@code bound}
     * @throws InterruptedException when interrupted
     */
    public static void until(Duration bound, String what, Callable<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError error = new AssertionError("timed out after " + bound + " waiting for " + what
                        + (last == null ? "" : " (last error: " + last + ")"));
                if (last != null) {
                    error.initCause(last);
                }
                throw error;
            }
            Thread.sleep(10);
        }
    }

    /**
     * Calls until the call returns a non-null value without throwing.
     *
     * @param bound how long to keep trying
     * @param what  what is awaited, for the failure message
     * @param call  the call
     * @param <T>   its result type
     * @return its first non-null result
     * @throws InterruptedException when interrupted
     */
    public static <T> T result(Duration bound, String what, Callable<T> call) throws InterruptedException {
        AtomicReference<T> out = new AtomicReference<>();
        until(bound, what, () -> {
            out.set(call.call());
            return out.get() != null;
        });
        return out.get();
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
