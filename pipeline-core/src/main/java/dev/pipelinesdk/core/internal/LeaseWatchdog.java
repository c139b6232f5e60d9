package dev.pipelinesdk.core.internal;

import dev.pipelinesdk.api.Lease;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews a lease every TTL/3. When the backend says the lease is gone, or when renewals keep
 * failing until 2/3 of the TTL have passed since the last good one, it reports the lease lost, so
 * the run is cancelled while the lease is still valid and nobody else can hold it yet.
 */
final class LeaseWatchdog {
    private static final Logger log = LoggerFactory.getLogger(LeaseWatchdog.class);

    private final Lease lease;
    private final ScheduledExecutorService timer;
    private final Consumer<String> onLost;
    private final long ttlNanos;
    private final long periodNanos;
    private final long retryNanos;
    private volatile long lastGoodNanos;
    private volatile boolean stopped;
    private ScheduledFuture<?> next;

    LeaseWatchdog(Lease lease, long acquiredAtNanos, ScheduledExecutorService timer, Consumer<String> onLost) {
        this.lease = lease;
        this.timer = timer;
        this.onLost = onLost;
        this.ttlNanos = lease.ttl().toNanos();
        this.periodNanos = Math.max(1, ttlNanos / 3);
        this.retryNanos = Math.max(1, Math.min(ttlNanos / 10, Duration.ofSeconds(1).toNanos()));
        this.lastGoodNanos = acquiredAtNanos;
    }

    synchronized void start() {
        schedule(periodNanos);
    }

    synchronized void stop() {
        stopped = true;
        if (next != null) {
            next.cancel(false);
        }
    }

    private synchronized void schedule(long delayNanos) {
        if (!stopped) {
            next = timer.schedule(this::tick, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void tick() {
        if (stopped) {
            return;
        }
        long attemptStart = System.nanoTime();
        boolean held;
        try {
            held = lease.renew();
        } catch (RuntimeException e) {
            long deadline = lastGoodNanos + ttlNanos * 2 / 3;
            if (System.nanoTime() + retryNanos >= deadline) {
                lost("could not renew lease of '" + lease.pipeline() + "' for " + Duration.ofNanos(
                        System.nanoTime() - lastGoodNanos).toMillis() + " ms: " + e.getMessage());
            } else {
                log.warn("Renewing lease of '{}' failed, retrying: {}", lease.pipeline(), e.getMessage());
                schedule(retryNanos);
            }
            return;
        }
        if (held) {
            lastGoodNanos = attemptStart;
            schedule(periodNanos);
        } else {
            lost("lease of '" + lease.pipeline() + "' expired or was taken over by another owner");
        }
    }

    private void lost(String reason) {
        if (!stopped) {
            stopped = true;
            onLost.accept(reason);
        }
    }
}
