package dev.pipelinesdk.api;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A granted, time-limited right to run one pipeline. Made only by {@link AbstractStateBackend},
 * which enforces its life cycle: {@link #release()} is idempotent, {@link #renew()} after release
 * returns {@code false}, and a holder whose lease expired and was taken over cannot renew or
 * release the new holder's lease. Thread-safe.
 */
public final class Lease implements AutoCloseable {

    private final AbstractStateBackend backend;
    private final String pipeline;
    private final String owner;
    private final long fencingToken;
    private final Duration ttl;
    private final AtomicBoolean released = new AtomicBoolean();

    Lease(AbstractStateBackend backend, String pipeline, String owner, long fencingToken, Duration ttl) {
        this.backend = backend;
        this.pipeline = pipeline;
        this.owner = owner;
        this.fencingToken = fencingToken;
        this.ttl = ttl;
    }

    /** @return the pipeline this lease is for */
    public String pipeline() {
        return pipeline;
    }

    /** @return the holder's id */
    public String owner() {
        return owner;
    }

    /**
     * @return the fencing token: strictly larger than every token issued before for this pipeline
     */
    public long fencingToken() {
        return fencingToken;
    }

    /** @return the time-to-live granted at acquisition and at each renewal */
    public Duration ttl() {
        return ttl;
    }

    /**
     * Extends the lease by its TTL from now.
     *
     * @return {@code true} when the lease is still this owner's and was extended; {@code false}
     *     when it was released, expired or taken over (the lease is lost for good)
     * @throws StateBackendException when the storage cannot be reached (it is unknown whether the
     *     lease is still held)
     */
    public boolean renew() {
        if (released.get()) {
            return false;
        }
        return backend.renewLease(pipeline, owner, fencingToken, ttl);
    }

    /**
     * Gives the lease up so another owner can take it at once. Idempotent; a no-op when the lease
     * has expired and another owner took it.
     *
     * @throws StateBackendException when the storage cannot be reached (the lease then expires by
     *     its TTL)
     */
    public void release() {
        if (released.compareAndSet(false, true)) {
            backend.releaseLease(pipeline, owner, fencingToken);
        }
    }

    /** @return {@code true} once {@link #release()} was called */
    public boolean isReleased() {
        return released.get();
    }

    /** Same as {@link #release()}. */
    @Override
    public void close() {
        release();
    }

    @Override
    public String toString() {
        return "Lease[" + pipeline + ", owner=" + owner + ", fence=" + fencingToken + ", ttl=" + ttl + "]";
    }
}
