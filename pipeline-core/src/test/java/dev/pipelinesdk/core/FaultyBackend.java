package dev.pipelinesdk.core;

import dev.pipelinesdk.api.AbstractStateBackend;
import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.StateBackendException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real in-memory backend with switchable faults, for runner tests: renewals that fail or find
 * the lease gone, publishes that fail, an unreachable store. Records every published document.
 */
public final class FaultyBackend extends AbstractStateBackend {

    final InMemoryStateBackend inner = new InMemoryStateBackend();
    volatile boolean renewThrows;
    volatile boolean renewRefused;
    volatile boolean publishThrows;
    public volatile boolean unreachable;
    /** When set, renewals wait for it: a store call that neither answers nor fails. */
    volatile CountDownLatch renewBlocks;
    /** Runs once, just before the next acquisition. */
    volatile Runnable beforeAcquire;
    /** How many of the next status reads fail. */
    final AtomicInteger readFailures = new AtomicInteger();
    final AtomicInteger renewCalls = new AtomicInteger();
    final AtomicInteger publishAttempts = new AtomicInteger();
    final AtomicInteger statusReads = new AtomicInteger();
    final List<PipelineStatus> published = new CopyOnWriteArrayList<>();

    public FaultyBackend() {
        super(Clock.systemUTC());
    }

    private void check() {
        if (unreachable) {
            throw new StateBackendException("test store at 127.0.0.1:1 is unreachable");
        }
    }

    @Override
    protected OptionalLong acquireLease(String pipeline, String owner, Duration ttl) {
        Runnable hook = beforeAcquire;
        if (hook != null) {
            beforeAcquire = null;
            hook.run();
        }
        check();
        return inner.acquireLease(pipeline, owner, ttl);
    }

    @Override
    protected boolean renewLease(String pipeline, String owner, long token, Duration ttl) {
        renewCalls.incrementAndGet();
        CountDownLatch block = renewBlocks;
        if (block != null) {
            try {
                block.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        check();
        if (renewThrows) {
            throw new StateBackendException("renewal failed: connection reset");
        }
        if (renewRefused) {
            return false;
        }
        return inner.renewLease(pipeline, owner, token, ttl);
    }

    @Override
    protected void releaseLease(String pipeline, String owner, long token) {
        check();
        inner.releaseLease(pipeline, owner, token);
    }

    @Override
    protected Optional<String> readHolder(String pipeline) {
        check();
        return inner.readHolder(pipeline);
    }

    @Override
    protected void writeStatus(String pipeline, byte[] json) {
        publishAttempts.incrementAndGet();
        check();
        if (publishThrows) {
            throw new StateBackendException("publish failed: connection reset");
        }
        inner.writeStatus(pipeline, json);
        published.add(PipelineStatus.fromJson(json, "test"));
    }

    @Override
    protected byte[] readStatusBytes(String pipeline) {
        statusReads.incrementAndGet();
        check();
        if (readFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new StateBackendException("read of test store timed out");
        }
        return inner.readStatusBytes(pipeline);
    }

    @Override
    protected String statusLocation(String pipeline) {
        return inner.statusLocation(pipeline);
    }

    @Override
    protected void writeExport(String pipeline, String id, byte[] json, Instant expiresAt) {
        inner.writeExport(pipeline, id, json, expiresAt);
    }

    @Override
    protected byte[] readExportBytes(String pipeline, String id) {
        return inner.readExportBytes(pipeline, id);
    }

    @Override
    protected String exportLocation(String pipeline, String id) {
        return inner.exportLocation(pipeline, id);
    }

    @Override
    protected List<String> listExportIds(String pipeline) {
        return inner.listExportIds(pipeline);
    }

    @Override
    protected void deleteExportBytes(String pipeline, String id) {
        inner.deleteExportBytes(pipeline, id);
    }

    @Override
    public String description() {
        return "faulty-memory";
    }

    @Override
    public void close() {
        inner.close();
    }
}
