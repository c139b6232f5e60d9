package dev.pipelinesdk.core.internal;

import dev.pipelinesdk.api.Lease;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews a lease every TTL/3 and reports it lost when the backend says it is gone, or when no
 * renewal has succeeded for 2/3 of the TTL, so the run is cancelled while the lease is still valid
 * and nobody else can hold it yet. Renewals run on the renewal pool, never on the timer thread,
 * and the 2/3-TTL deadline is a timer task of its own: a renewal call that hangs (a store that
 * neither answers nor fails) cannot delay the deadline, nor the renewals of other runs.
 */
final class LeaseWatchdog {
    private static final Logger log = LoggerFactory.getLogger(LeaseWatchdog.class);

    private final Lease lease;
    private final ScheduledExecutorService timer;
    private final ExecutorService renewals;
    private final Consumer<String> onLost;
    private final Runnable onRenewed;
    private final long periodNanos;
    private final long retryNanos;
    private final long deadlineNanos;
    private volatile long lastGoodNanos;
    private volatile boolean stopped;
    private ScheduledFuture<?> nextRenewal;
    private ScheduledFuture<?> deadline;

    LeaseWatchdog(Lease lease, long acquiredAtNanos, ScheduledExecutorService timer, ExecutorService renewals,
                  Consumer<String> onLost, Runnable onRenewed) {
        this.lease = lease;
        this.onRenewed = onRenewed;
        this.timer = timer;
        this.renewals = renewals;
        this.onLost = onLost;
        long ttlNanos = lease.ttl().toNanos();
        this.periodNanos = Math.max(1, ttlNanos / 3);
        this.retryNanos = Math.max(1, Math.min(ttlNanos / 10, Duration.ofSeconds(1).toNanos()));
        this.deadlineNanos = ttlNanos * 2 / 3;
        this.lastGoodNanos = acquiredAtNanos;
    }

    synchronized void start() {
        scheduleRenewal(periodNanos);
        scheduleDeadline();
    }

    synchronized void stop() {
        stopped = true;
        if (nextRenewal != null) {
            nextRenewal.cancel(false);
        }
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    private synchronized void scheduleRenewal(long delayNanos) {
        if (!stopped) {
            nextRenewal = timer.schedule(this::submitRenewal, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private synchronized void scheduleDeadline() {
        if (stopped) {
            return;
        }
        if (deadline != null) {
            deadline.cancel(false);
        }
        long delay = lastGoodNanos + deadlineNanos - System.nanoTime();
        deadline = timer.schedule(this::checkDeadline, Math.max(0, delay), TimeUnit.NANOSECONDS);
    }

    private void submitRenewal() {
        try {
            renewals.execute(this::renew);
        } catch (RejectedExecutionException e) {
            lost("the runner is shutting down; lease of '" + lease.pipeline() + "' is no longer renewed");
        }
    }

    private void checkDeadline() {
        long sinceGood = System.nanoTime() - lastGoodNanos;
        if (sinceGood >= deadlineNanos) {
            lost("could not renew lease of '" + lease.pipeline() + "' for " + Duration.ofNanos(sinceGood).toMillis()
                    + " ms (2/3 of its TTL of " + lease.ttl().toMillis() + " ms)");
        } else {
            scheduleDeadline();
        }
    }

    private void renew() {
        if (stopped) {
            return;
        }
        long attemptStart = System.nanoTime();
        boolean held;
        try {
            held = lease.renew();
        } catch (RuntimeException e) {
            log.warn("Renewing lease of '{}' failed, retrying: {}", lease.pipeline(), e.getMessage());
            scheduleRenewal(retryNanos);
            return;
        }
        if (held) {
            lastGoodNanos = attemptStart;
            scheduleDeadline();
            scheduleRenewal(periodNanos);
            onRenewed.run();
        } else {
            lost("lease of '" + lease.pipeline() + "' expired or was taken over by another owner");
        }
    }

    private void lost(String reason) {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stop();
        }
        onLost.accept(reason);
    }
}
