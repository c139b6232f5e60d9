package dev.pipelinesdk.core.internal;

import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.Progress;
import dev.pipelinesdk.api.RunError;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunState;
import dev.pipelinesdk.api.StateCorruptedException;
import dev.pipelinesdk.core.EtaEstimator;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a run's status document and publishes it: at once on every phase change, and from the
 * publish timer at most once per publish interval when progress or message changed (or once per
 * heartbeat to refresh elapsed time and ETA). A failed publish never fails the run: it is logged
 * (once until publishing works again) and the next flush retries.
 */
final class StatusTracker {
    private static final Logger log = LoggerFactory.getLogger(StatusTracker.class);

    private record Snapshot(int phaseIndex, Progress progress, String message) {
    }

    /** How long a final status that could not be published is retried. */
    static final Duration FINAL_RETRY_WINDOW = Duration.ofMinutes(10);
    private static final long MIN_FINAL_RETRY_NANOS = Duration.ofMillis(100).toNanos();
    private static final long MAX_FINAL_RETRY_NANOS = Duration.ofSeconds(30).toNanos();

    private final RunSettings settings;
    private final RunExecution run;
    private final Instant lastSuccessAt;
    private final Instant nextRunAt;
    private final Map<String, Duration> typical;
    private final Map<String, Duration> completed = new ConcurrentHashMap<>();
    private final Object publishLock = new Object();
    private volatile int phaseIndex;
    private volatile Instant phaseStartedAt;
    private volatile long phaseStartNanos;
    private volatile boolean stopped;
    private Snapshot lastPublished;
    private long lastPublishNanos;
    private volatile boolean failing;
    private ScheduledFuture<?> ticker;

    StatusTracker(RunSettings settings, RunExecution run, PipelineStatus previous, Map<String, Duration> typical,
                  Instant nextRunAt) {
        this.settings = settings;
        this.run = run;
        this.lastSuccessAt = previous == null ? null : previous.lastSuccessAt();
        this.nextRunAt = nextRunAt != null ? nextRunAt : previous == null ? null : previous.nextRunAt();
        this.typical = Map.copyOf(typical);
    }

    Instant lastSuccessAt() {
        return lastSuccessAt;
    }

    void startTicker() {
        long period = settings.publishInterval().toNanos();
        ticker = settings.publishTimer().scheduleWithFixedDelay(this::tick, period, period, TimeUnit.NANOSECONDS);
    }

    /** Stops further running-status publishes at once, without waiting for one in flight. */
    void halt() {
        stopped = true;
        if (ticker != null) {
            ticker.cancel(false);
        }
    }

    /**
     * Stops further running-status publishes and waits for one in flight, so that it cannot
     * overwrite the final document written next.
     */
    void stop() {
        halt();
        synchronized (publishLock) {
            // nothing: entering the lock is the wait
        }
    }

    void phaseStarted(int index, Instant at) {
        phaseIndex = index;
        phaseStartedAt = at;
        phaseStartNanos = System.nanoTime();
        flush(true);
    }

    void phaseFinished(String phase, Duration took) {
        completed.put(phase, took);
    }

    private void tick() {
        try {
            flush(false);
        } catch (RuntimeException e) {
            log.warn("Status flush of run {} failed unexpectedly", run.runId(), e);
        }
    }

    private void flush(boolean force) {
        synchronized (publishLock) {
            if (stopped) {
                return;
            }
            AttemptContext attempt = run.currentAttempt();
            Snapshot now = new Snapshot(phaseIndex, attempt == null ? null : attempt.progressSnapshot(),
                    attempt == null ? null : attempt.messageSnapshot());
            long nanos = System.nanoTime();
            boolean stale = nanos - lastPublishNanos >= settings.heartbeat().toNanos();
            if (force || stale || !now.equals(lastPublished)) {
                publish(running(now));
                lastPublished = now;
                lastPublishNanos = nanos;
            }
        }
    }

    private PipelineStatus running(Snapshot s) {
        Instant now = settings.clock().instant();
        String phase = run.phases().get(s.phaseIndex());
        Duration phaseElapsed = Duration.ofNanos(System.nanoTime() - phaseStartNanos);
        Long eta = null;
        try {
            eta = settings.eta().estimate(new EtaEstimator.Input(run.phases(), s.phaseIndex(), phaseElapsed,
                    s.progress(), completed, typical)).map(Duration::toMillis).orElse(null);
        } catch (RuntimeException e) {
            log.debug("ETA estimator failed for run {}", run.runId(), e);
        }
        return base(now).state(RunState.RUNNING).phase(phase).phaseIndex(s.phaseIndex() + 1)
                .message(s.message()).progress(s.progress()).phaseStartedAt(phaseStartedAt).etaMs(eta)
                .lastSuccessAt(lastSuccessAt).build();
    }

    private PipelineStatus.Builder base(Instant now) {
        return PipelineStatus.builder(run.pipelineName()).runId(run.runId()).trigger(run.trigger()).mode(run.mode())
                .phaseCount(run.phases().size()).startedAt(run.startedAt()).updatedAt(now)
                .elapsedMs(Math.max(0, Duration.between(run.startedAt(), now).toMillis())).nextRunAt(nextRunAt);
    }

    /**
     * The document a finished run leaves behind.
     *
     * @param lastPhase index of the last phase that started, or -1 when none did
     */
    PipelineStatus finished(RunOutcome outcome, int lastPhase, RunError error, String message, Instant finishedAt) {
        PipelineStatus.Builder b = base(finishedAt).state(Objects.requireNonNull(outcome.state()))
                .finishedAt(finishedAt).message(message).error(error)
                .lastSuccessAt(outcome == RunOutcome.SUCCEEDED ? finishedAt : lastSuccessAt);
        if (lastPhase >= 0) {
            b.phase(run.phases().get(lastPhase)).phaseIndex(lastPhase + 1).phaseStartedAt(phaseStartedAt);
        }
        return b.build();
    }

    /**
     * Publishes a finished run's document. When the store cannot be reached, retries in the
     * background with growing delays (up to {@link #FINAL_RETRY_WINDOW}) so that the document does
     * not keep saying {@code running} once the store is back. A retry, and with
     * {@code onlyIfStillOurs} the first attempt too, never replaces the document of another run.
     *
     * @param onlyIfStillOurs check first that the stored document is still this run's (after a
     *                        lost lease another run may have taken over)
     */
    void publishFinal(PipelineStatus status, boolean onlyIfStillOurs) {
        long firstDelay = Math.max(settings.publishInterval().toNanos(), MIN_FINAL_RETRY_NANOS);
        long giveUpAt = System.nanoTime() + FINAL_RETRY_WINDOW.toNanos();
        if (onlyIfStillOurs) {
            publishFinalIfStillOurs(status, firstDelay, giveUpAt);
        } else if (!publish(status)) {
            scheduleFinalRetry(status, firstDelay, giveUpAt);
        }
    }

    private void scheduleFinalRetry(PipelineStatus status, long delayNanos, long giveUpAt) {
        if (System.nanoTime() + delayNanos > giveUpAt) {
            log.warn("Gave up publishing the final status of run {} of '{}' to {} after {}", run.runId(),
                    status.pipeline(), settings.backend().description(), FINAL_RETRY_WINDOW);
            return;
        }
        try {
            settings.publishTimer().schedule(() -> publishFinalIfStillOurs(status, delayNanos, giveUpAt), delayNanos,
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("Runner closed; final status of run {} not retried", run.runId());
        }
    }

    private void publishFinalIfStillOurs(PipelineStatus status, long lastDelayNanos, long giveUpAt) {
        try {
            Optional<PipelineStatus> stored = settings.backend().readStatus(status.pipeline());
            if (stored.isPresent() && !status.runId().equals(stored.get().runId())) {
                log.info("Not writing the final status of run {}: run {} of '{}' has taken over",
                        run.runId(), stored.get().runId(), status.pipeline());
                return;
            }
        } catch (StateCorruptedException e) {
            log.debug("Stored status of '{}' is unreadable; the final status replaces it", status.pipeline());
        } catch (RuntimeException e) {
            scheduleFinalRetry(status, Math.min(lastDelayNanos * 2, MAX_FINAL_RETRY_NANOS), giveUpAt);
            return;
        }
        if (!publish(status)) {
            scheduleFinalRetry(status, Math.min(lastDelayNanos * 2, MAX_FINAL_RETRY_NANOS), giveUpAt);
        }
    }

    /** Publishes a document, logging a failure once until publishing works again. */
    boolean publish(PipelineStatus status) {
        try {
            settings.backend().publishStatus(status);
            if (failing) {
                failing = false;
                log.info("Publishing status of '{}' to {} works again", status.pipeline(), settings.backend().description());
            }
            return true;
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                log.warn("Could not publish status of '{}' to {} (will retry with the next flush): {}",
                        status.pipeline(), settings.backend().description(), e.getMessage());
            } else {
                log.debug("Status publish of '{}' still failing: {}", status.pipeline(), e.getMessage());
            }
            return false;
        }
    }
}
