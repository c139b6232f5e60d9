package dev.pipelinesdk.api.testing;

import dev.pipelinesdk.api.Lease;
import dev.pipelinesdk.api.StateBackend;
import java.time.Duration;
import java.util.Optional;

/** Lease helpers for backend tests and their child processes. Shipped in the test-jar. */
public final class Leases {

    private Leases() {
    }

    /**
     * Tries to acquire until granted.
     *
     * @param backend  the backend
     * @param pipeline the pipeline
     * @param owner    the would-be holder
     * @param ttl      the lease's TTL
     * @param bound    how long to keep trying
     * @return the lease
     * @throws AssertionError when it is not granted within {@code bound} (a child JVM exits non-zero)
     * @throws InterruptedException when interrupted
     */
    public static Lease awaitAcquire(StateBackend backend, String pipeline, String owner, Duration ttl,
                                     Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            Optional<Lease> lease = backend.tryAcquire(pipeline, owner, ttl);
            if (lease.isPresent()) {
                return lease.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(owner + " could not acquire " + pipeline + " within " + bound);
            }
            Thread.sleep(2);
        }
    }
}
