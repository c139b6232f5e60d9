package dev.pipelinesdk.core.internal;

import dev.pipelinesdk.api.Lease;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the lease of a finished run whose phase attempt ignored cancellation and interrupt and is
 * still running: the lease is renewed every TTL/3 until that attempt ends, then released, so that no
 * other run starts work beside it. If the runner is closed, renewals stop and the lease expires by
 * its TTL.
 */
final class LingeringLease {
    private static final Logger log = LoggerFactory.getLogger(LingeringLease.class);

    private final Lease lease;
    private final AttemptContext attempt;
    private final String threadName;
    private final RunSettings settings;
    private final WorkDir workDir;
    private final long periodNanos;

    LingeringLease(Lease lease, AttemptContext attempt, RunSettings settings, WorkDir workDir) {
        this.lease = lease;
        this.attempt = attempt;
        this.threadName = attempt.threadName();
        this.settings = settings;
        this.workDir = workDir;
        this.periodNanos = Math.max(1, Math.min(lease.ttl().toNanos() / 3, TimeUnit.SECONDS.toNanos(1)));
    }

    void start() {
        schedule();
    }

    private void schedule() {
        try {
            settings.leaseTimer().schedule(() -> settings.renewals().execute(this::check), periodNanos,
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            log.warn("Runner closed while phase thread {} still runs; the lease of '{}' expires after {} ms",
                    threadName, lease.pipeline(), lease.ttl().toMillis());
        }
    }

    private void check() {
        if (attempt.isFinished()) {
            log.info("Phase thread {} has ended; releasing the lease of '{}'", threadName, lease.pipeline());
            RunExecution.release(lease, lease.pipeline(), settings);
            workDir.delete();
            return;
        }
        try {
            if (!lease.renew()) {
                log.error("Lost the lease of '{}' while phase thread {} still runs", lease.pipeline(), threadName);
                return;
            }
        } catch (RuntimeException e) {
            log.warn("Renewing the lingering lease of '{}' failed: {}", lease.pipeline(), e.getMessage());
        }
        schedule();
    }
}
