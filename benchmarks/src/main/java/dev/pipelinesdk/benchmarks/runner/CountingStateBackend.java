package dev.pipelinesdk.benchmarks.runner;

import dev.pipelinesdk.api.ExportRecord;
import dev.pipelinesdk.api.Lease;
import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.StateBackend;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link StateBackend} that counts the calls it passes on to another one. A {@link Lease} is made
 * by the wrapped backend, so its {@code renew()} and {@code release()} reach that backend
 * directly: the leases granted are kept so that a caller can check afterwards that each was
 * released (one call each).
 */
final class CountingStateBackend implements StateBackend {

    private final StateBackend delegate;
    private final AtomicLong acquires = new AtomicLong();
    private final AtomicLong holderReads = new AtomicLong();
    private final AtomicLong publishes = new AtomicLong();
    private final AtomicLong statusReads = new AtomicLong();
    private final AtomicLong exportCalls = new AtomicLong();
    private final AtomicLong nanos = new AtomicLong();
    private final Queue<Lease> granted = new ConcurrentLinkedQueue<>();

    CountingStateBackend(StateBackend delegate) {
        this.delegate = delegate;
    }

    /** Forgets the counts and the leases granted so far. */
    void reset() {
        acquires.set(0);
        holderReads.set(0);
        publishes.set(0);
        statusReads.set(0);
        exportCalls.set(0);
        nanos.set(0);
        granted.clear();
    }

    /** @return ns spent in the calls passed on (lease renewals and releases not included) */
    long nanos() {
        return nanos.get();
    }

    long acquires() {
        return acquires.get();
    }

    long publishes() {
        return publishes.get();
    }

    long statusReads() {
        return statusReads.get();
    }

    /** @return every call made through this wrapper */
    long calls() {
        return acquires.get() + holderReads.get() + publishes.get() + statusReads.get() + exportCalls.get();
    }

    /** @return leases granted since the last reset that were released */
    long releasedLeases() {
        return granted.stream().filter(Lease::isReleased).count();
    }

    @Override
    public Optional<Lease> tryAcquire(String pipeline, String owner, Duration ttl) {
        acquires.incrementAndGet();
        long start = System.nanoTime();
        Optional<Lease> lease = delegate.tryAcquire(pipeline, owner, ttl);
        nanos.addAndGet(System.nanoTime() - start);
        lease.ifPresent(granted::add);
        return lease;
    }

    @Override
    public Optional<String> currentHolder(String pipeline) {
        holderReads.incrementAndGet();
        long start = System.nanoTime();
        try {
            return delegate.currentHolder(pipeline);
        } finally {
            nanos.addAndGet(System.nanoTime() - start);
        }
    }

    @Override
    public void publishStatus(PipelineStatus status) {
        publishes.incrementAndGet();
        long start = System.nanoTime();
        try {
            delegate.publishStatus(status);
        } finally {
            nanos.addAndGet(System.nanoTime() - start);
        }
    }

    @Override
    public Optional<PipelineStatus> readStatus(String pipeline) {
        statusReads.incrementAndGet();
        long start = System.nanoTime();
        try {
            return delegate.readStatus(pipeline);
        } finally {
            nanos.addAndGet(System.nanoTime() - start);
        }
    }

    @Override
    public void putExport(String pipeline, ExportRecord record) {
        exportCalls.incrementAndGet();
        delegate.putExport(pipeline, record);
    }

    @Override
    public Optional<ExportRecord> readExport(String pipeline, String id) {
        exportCalls.incrementAndGet();
        return delegate.readExport(pipeline, id);
    }

    @Override
    public List<ExportRecord> listExports(String pipeline) {
        exportCalls.incrementAndGet();
        return delegate.listExports(pipeline);
    }

    @Override
    public void deleteExport(String pipeline, String id) {
        exportCalls.incrementAndGet();
        delegate.deleteExport(pipeline, id);
    }

    @Override
    public String description() {
        return delegate.description();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
