package dev.pipelinesdk.core.internal;

import dev.pipelinesdk.api.ContextKey;
import dev.pipelinesdk.api.Lease;
import dev.pipelinesdk.api.PhaseOutcome;
import dev.pipelinesdk.api.PhaseReport;
import dev.pipelinesdk.api.PhaseResult;
import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.RunCancelledException;
import dev.pipelinesdk.api.RunError;
import dev.pipelinesdk.api.RunInfo;
import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.StateBackendException;
import dev.pipelinesdk.api.StateCorruptedException;
import dev.pipelinesdk.api.Trigger;
import dev.pipelinesdk.core.PhaseSpec;
import dev.pipelinesdk.core.Pipeline;
import dev.pipelinesdk.core.RunRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call of {@code runOnce}: takes the lease, runs the selected phases with timeouts, retries
 * and cancellation, publishes status, records the report and releases the lease. Runs on the
 * caller's thread; each phase attempt runs on a thread of the runner's phase pool, so that a
 * timeout can stop waiting for it. Not part of the public API.
 */
public final class RunExecution {
    private static final Logger log = LoggerFactory.getLogger(RunExecution.class);

    private enum AttemptEnd { OK, FAILED, TIMED_OUT, STOPPED }

    private record PhaseEnd(PhaseReport report, RunOutcome runOutcome, RunError error, String skipReason) {
    }

    private final RunSettings settings;
    private final Pipeline pipeline;
    private final Trigger trigger;
    private final RunMode mode;
    private final String runId;
    private final List<String> phases;
    private final Listeners listeners;
    private final Map<ContextKey<?>, Object> values = new ConcurrentHashMap<>();
    private final Object monitor = new Object();
    private final WorkDir workDir;
    private final Instant nextRunAt; // null: carry over the previous document's
    private final AtomicBoolean aliveCallPending = new AtomicBoolean();

    private volatile RunOutcome stopOutcome;
    private volatile String stopReason;
    private volatile boolean ended;
    private volatile AttemptContext current;
    private volatile StatusTracker tracker;
    private boolean callerInterrupted;
    private AttemptContext strayAttempt; // an attempt the run gave up waiting for, still running
    private Instant startedAt;
    private long fencingToken;

    public RunExecution(RunSettings settings, Pipeline pipeline, RunRequest request, String runId) {
        this.settings = settings;
        this.pipeline = pipeline;
        this.trigger = request.trigger();
        this.mode = request.mode();
        this.nextRunAt = request.nextRunAt().orElse(null);
        this.runId = runId;
        this.phases = mode.select(pipeline.phaseNames());
        this.listeners = new Listeners(settings.listeners());
        this.workDir = new WorkDir(settings.workRoot().resolve(pipeline.name()).resolve(runId));
    }

    // ---- accessors used by the context and the tracker ----------------------------------------

    public String runId() {
        return runId;
    }

    public String pipelineName() {
        return pipeline.name();
    }

    Trigger trigger() {
        return trigger;
    }

    RunMode mode() {
        return mode;
    }

    long fencingToken() {
        return fencingToken;
    }

    List<String> phases() {
        return phases;
    }

    Instant startedAt() {
        return startedAt;
    }

    AttemptContext currentAttempt() {
        return current;
    }

    boolean isStopping() {
        return stopOutcome != null || ended;
    }

    <T> void putValue(ContextKey<T> key, T value) {
        Objects.requireNonNull(key, "key");
        if (!key.type().isInstance(value)) {
            throw new IllegalArgumentException("Value for context key '" + key.name() + "' must be a "
                    + key.type().getName() + ", was " + (value == null ? "null" : value.getClass().getName()));
        }
        values.put(key, value);
    }

    <T> Optional<T> getValue(ContextKey<T> key) {
        return Optional.ofNullable(values.get(Objects.requireNonNull(key, "key"))).map(key.type()::cast);
    }

    Path workDir() {
        return workDir.get();
    }

    // ---- cancellation ------------------------------------------------------------------------

    /**
     * Asks the run to stop: the running phase sees {@code isCancelled()}, is interrupted after the
     * grace period, and no later phase starts. The first reason given wins.
     *
     * @param outcome {@link RunOutcome#CANCELLED} or {@link RunOutcome#LEASE_LOST}
     * @param reason  why, for the status and the log
     */
    public void cancel(RunOutcome outcome, String reason) {
        boolean first;
        synchronized (monitor) {
            first = stopOutcome == null && !ended;
            if (first) {
                stopReason = reason;
                stopOutcome = outcome;
            }
            monitor.notifyAll();
        }
        if (first) {
            log.warn("Stopping run {} of '{}': {}", runId, pipeline.name(), reason);
            StatusTracker t = tracker;
            if (outcome == RunOutcome.LEASE_LOST && t != null) {
                t.halt(); // another holder may exist soon: never overwrite its status
            }
        }
    }

    /**
     * On the history thread, so that the first phase does not wait for it: other processes see the
     * run as running a moment later. Should the run end first, its report simply comes first (the
     * start is then a no-op).
     */
    private void tellHistoryStarted(RunInfo info) {
        onHistoryThread("record the run's start in the run history", () -> settings.history().runStarted(info, settings.leaseTtl()), null);
    }

    /** After each lease renewal; at most one call in flight, on the history thread. */
    private void tellHistoryAlive() {
        if (aliveCallPending.compareAndSet(false, true)) {
            onHistoryThread("tell the run history that the run is alive", () -> settings.history().runAlive(runId,
                    settings.leaseTtl()), () -> aliveCallPending.set(false));
        }
    }

    /**
     * Runs a history call on the runner's history thread (a slow history never delays the run);
     * a failure is logged. {@code then} runs after the call, or at once when the runner is closing.
     */
    private void onHistoryThread(String what, Runnable call, Runnable then) {
        try {
            settings.historyCalls().execute(() -> {
                try {
                    call.run();
                } catch (RuntimeException e) {
                    log.warn("Could not {} (run {} of '{}'): {}", what, runId, pipeline.name(), e.getMessage());
                } finally {
                    if (then != null) {
                        then.run();
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("Runner closing; could not {} (run {})", what, runId);
            if (then != null) {
                then.run();
            }
        }
    }

    private RunError stopError(String phase) {
        return new RunError(phase, stopOutcome == RunOutcome.LEASE_LOST ? "LeaseLost" : "Cancelled", stopReason);
    }

    // ---- the run -----------------------------------------------------------------------------

    /**
     * @return the report
     * @throws StateBackendException when the lease cannot be asked for at all
     */
    public RunReport run() {
        startedAt = settings.clock().instant();
        long acquireNanos = System.nanoTime();
        Optional<Lease> granted = settings.backend().tryAcquire(pipeline.name(), runId, settings.leaseTtl());
        if (granted.isEmpty()) {
            return alreadyRunning();
        }
        Lease lease = granted.get();
        fencingToken = lease.fencingToken();
        RunInfo info = new RunInfo(runId, pipeline.name(), trigger, mode, fencingToken, settings.nodeId(), startedAt, phases);
        LeaseWatchdog watchdog = new LeaseWatchdog(lease, acquireNanos, settings.leaseTimer(), settings.renewals(),
                reason -> cancel(RunOutcome.LEASE_LOST, reason), this::tellHistoryAlive);
        log.info("Run {} of '{}' started: trigger {}, mode {}, phases {}, fence {}", runId, pipeline.name(),
                trigger.wireName(), mode, phases, fencingToken);

        List<PhaseReport> reports = new ArrayList<>();
        RunOutcome outcome = RunOutcome.SUCCEEDED;
        RunError error = null;
        String skipReason = null;
        int lastStarted = -1;
        try {
            watchdog.start();
            PipelineStatus previous = readPrevious();
            AbandonedRuns.recordIfAbandoned(previous, runId, settings, listeners);
            settings.reports().retry(settings.history(), settings.historyCalls());
            AbandonedRuns.recordIfUnrecorded(previous, runId, settings.reports(), settings);
            tellHistoryStarted(info);
            tracker = new StatusTracker(settings, this, previous, settings.typical().of(pipeline.name(), settings.cancelGrace()), nextRunAt);
            if (stopOutcome == RunOutcome.LEASE_LOST) {
                tracker.halt();
            }
            listeners.runStarted(info);
            tracker.startTicker();
            for (int i = 0; i < phases.size(); i++) {
                if (stopOutcome != null) {
                    outcome = stopOutcome;
                    error = stopError(lastStarted < 0 ? null : phases.get(lastStarted));
                    break;
                }
                lastStarted = i;
                PhaseEnd end = runPhase(info, i);
                reports.add(end.report());
                if (end.runOutcome() != RunOutcome.SUCCEEDED) {
                    outcome = end.runOutcome();
                    error = end.error();
                    skipReason = end.skipReason();
                    break;
                }
            }
        } catch (RuntimeException | Error e) {
            log.error("Run {} of '{}' failed outside its phases", runId, pipeline.name(), e);
            outcome = RunOutcome.FAILED;
            error = RunError.of(lastStarted < 0 ? null : phases.get(lastStarted), e);
        } finally {
            ended = true;
        }
        return finish(lease, watchdog, reports, outcome, error, skipReason, lastStarted);
    }

    private RunReport alreadyRunning() {
        String holder = null;
        try {
            holder = settings.backend().currentHolder(pipeline.name()).orElse(null);
        } catch (RuntimeException e) {
            log.debug("Could not read the holder of '{}'", pipeline.name(), e);
        }
        log.info("Run of '{}' not started: run {} holds the lease", pipeline.name(), holder == null ? "(just ended)" : holder);
        Instant now = settings.clock().instant();
        return new RunReport(runId, pipeline.name(), trigger, mode, RunOutcome.ALREADY_RUNNING, settings.nodeId(), 0,
                startedAt, now, List.of(), null, holder, null);
    }

    /**
     * Reads the document the previous run left, to carry {@code lastSuccessAt} and {@code nextRunAt}
     * forward and to detect an abandoned run. An unreadable document is replaced; a store that
     * cannot be read after a few tries fails the run before any phase (rather than overwriting
     * what it could not read).
     */
    private PipelineStatus readPrevious() {
        long[] backoffMillis = {100, 400};
        for (int attempt = 0; ; attempt++) {
            try {
                return settings.backend().readStatus(pipeline.name()).orElse(null);
            } catch (StateCorruptedException e) {
                log.warn("Ignoring the previous status of '{}'; this run will replace it: {}", pipeline.name(),
                        e.getMessage());
                return null;
            } catch (StateBackendException e) {
                if (attempt >= backoffMillis.length || !sleepUnlessStopped(Duration.ofMillis(backoffMillis[attempt]))) {
                    throw new StateBackendException("Could not read the previous status of '" + pipeline.name()
                            + "' from " + settings.backend().description() + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private PhaseEnd runPhase(RunInfo info, int index) {
        String name = phases.get(index);
        PhaseSpec spec = pipeline.phase(name).orElseThrow();
        Instant phaseStart = settings.clock().instant();
        current = null; // the phase-start document carries no progress or message of the phase before
        tracker.phaseStarted(index, phaseStart);
        listeners.phaseStarted(info, name, index + 1);
        long startNanos = System.nanoTime();
        int attempt = 0;
        while (true) {
            attempt++;
            AttemptContext ctx = new AttemptContext(this, name, attempt);
            current = ctx;
            AttemptEnd end = runAttempt(spec, ctx);
            PhaseOutcome phaseOutcome;
            RunOutcome runOutcome;
            RunError error = null;
            String skip = null;
            Throwable failure = ctx.error();
            if (end == AttemptEnd.FAILED && failure instanceof RunCancelledException) {
                end = AttemptEnd.STOPPED;
            }
            switch (end) {
                case OK -> {
                    PhaseResult result = ctx.result();
                    phaseOutcome = result.skipRest() ? PhaseOutcome.SKIPPED_REST : PhaseOutcome.SUCCEEDED;
                    runOutcome = result.skipRest() ? RunOutcome.SKIPPED : RunOutcome.SUCCEEDED;
                    skip = result.skipReason();
                }
                case TIMED_OUT -> {
                    phaseOutcome = PhaseOutcome.TIMED_OUT;
                    runOutcome = RunOutcome.TIMED_OUT;
                    error = new RunError(name, "Timeout", "Phase '" + name + "' exceeded its timeout of "
                            + human(spec.timeout()) + " (attempt " + attempt + ")");
                }
                case STOPPED -> {
                    phaseOutcome = PhaseOutcome.CANCELLED;
                    runOutcome = stopOutcome != null ? stopOutcome : RunOutcome.CANCELLED;
                    error = stopOutcome != null ? stopError(name)
                            : new RunError(name, "Cancelled", failure == null ? "cancelled" : failure.getMessage());
                }
                default -> {
                    if (spec.retry().shouldRetry(failure, attempt)) {
                        Duration backoff = spec.retry().backoffAfter(attempt);
                        log.warn("Phase '{}' of run {} failed on attempt {} of {}; retrying in {}: {}", name, runId,
                                attempt, spec.retry().maxAttempts(), human(backoff), failure.toString());
                        if (sleepUnlessStopped(backoff)) {
                            continue;
                        }
                        phaseOutcome = PhaseOutcome.CANCELLED;
                        runOutcome = stopOutcome;
                        error = stopError(name);
                    } else {
                        log.error("Phase '{}' of run {} of '{}' failed (attempt {})", name, runId, pipeline.name(),
                                attempt, failure);
                        phaseOutcome = PhaseOutcome.FAILED;
                        runOutcome = RunOutcome.FAILED;
                        error = RunError.of(name, failure);
                    }
                }
            }
            Instant phaseEnd = settings.clock().instant();
            if (phaseEnd.isBefore(phaseStart)) {
                phaseEnd = phaseStart;
            }
            PhaseReport report = new PhaseReport(name, index + 1, phaseOutcome, phaseStart, phaseEnd, attempt,
                    ctx.counters(), error);
            tracker.phaseFinished(name, Duration.ofNanos(System.nanoTime() - startNanos));
            listeners.phaseFinished(info, report);
            return new PhaseEnd(report, runOutcome, error, skip);
        }
    }

    private AttemptEnd runAttempt(PhaseSpec spec, AttemptContext ctx) {
        String threadName = "pipeline-" + pipeline.name() + "-" + spec.name() + "-" + ctx.attempt();
        ClassLoader callers = Thread.currentThread().getContextClassLoader();
        try {
            settings.phaseThreads().execute(() -> runOnPhaseThread(spec, ctx, threadName, callers));
        } catch (RejectedExecutionException e) {
            ctx.finish(null, new IllegalStateException("the runner is shut down; phase '" + spec.name() + "' not started"));
            return AttemptEnd.FAILED;
        }

        boolean endedInTime = awaitOnMonitor(() -> ctx.isFinished() || stopOutcome != null, spec.timeout());
        if (ctx.isFinished() && stopOutcome == null) {
            return ctx.error() == null ? AttemptEnd.OK : AttemptEnd.FAILED;
        }
        if (ctx.isFinished()) {
            return AttemptEnd.STOPPED; // it may have returned early because it saw isCancelled()
        }
        boolean timedOut = !endedInTime;
        ctx.requestStop();
        if (timedOut) {
            log.warn("Phase '{}' of run {} exceeded its timeout of {}; asking it to stop", spec.name(), runId,
                    human(spec.timeout()));
        }
        if (!awaitFinished(ctx)) {
            log.warn("Phase '{}' of run {} did not stop within {}; interrupting it", spec.name(), runId,
                    human(settings.cancelGrace()));
            ctx.interruptIfRunning();
            if (!awaitFinished(ctx)) {
                log.error("Phase '{}' of run {} ignored cancellation and interrupt for {}; giving up on thread {}"
                        + " (the lease is kept until it ends)", spec.name(), runId,
                        human(settings.cancelGrace().multipliedBy(2)), ctx.threadName());
                strayAttempt = ctx;
            }
        }
        return timedOut ? AttemptEnd.TIMED_OUT : AttemptEnd.STOPPED;
    }

    /**
     * The body of a phase attempt on a thread of the runner's phase pool: named after the phase
     * and with the context class loader of the thread that called {@code runOnce} while it runs,
     * and left without an interrupt pending when it goes back to the pool.
     */
    private void runOnPhaseThread(PhaseSpec spec, AttemptContext ctx, String threadName, ClassLoader callers) {
        Thread me = Thread.currentThread();
        String poolName = me.getName();
        ClassLoader poolLoader = me.getContextClassLoader();
        me.setName(threadName);
        me.setContextClassLoader(callers);
        ctx.attach(me);
        PhaseResult result = null;
        Throwable error = null;
        try {
            result = spec.phase().run(ctx);
            if (result == null) {
                error = new IllegalStateException("Phase '" + spec.name() + "' returned null; return PhaseResult.done()");
            }
        } catch (Throwable e) {
            error = e;
        } finally {
            ctx.finish(result, error);
            Thread.interrupted(); // an interrupt meant for this attempt must not reach the next task
            me.setName(poolName);
            me.setContextClassLoader(poolLoader);
            synchronized (monitor) {
                monitor.notifyAll();
            }
        }
    }

    private boolean awaitFinished(AttemptContext ctx) {
        return awaitOnMonitor(ctx::isFinished, settings.cancelGrace());
    }

    /** @return {@code true} when the whole duration passed, {@code false} when the run was asked to stop */
    private boolean sleepUnlessStopped(Duration duration) {
        return !awaitOnMonitor(() -> stopOutcome != null, duration);
    }

    /**
     * Waits until the condition holds (it is re-checked whenever the monitor is notified: a phase
     * ended, the run was asked to stop) or the time is up.
     *
     * @return whether the condition holds
     */
    private boolean awaitOnMonitor(BooleanSupplier condition, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        synchronized (monitor) {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                waitOnMonitor(left);
            }
            return true;
        }
    }

    /** Waits on the monitor (held by the caller); an interrupt of the caller cancels the run. */
    private void waitOnMonitor(long nanos) {
        try {
            TimeUnit.NANOSECONDS.timedWait(monitor, nanos);
        } catch (InterruptedException e) {
            callerInterrupted = true;
            cancel(RunOutcome.CANCELLED, "the thread running runOnce was interrupted");
        }
    }

    /**
     * Publishes the final status and records the report while the lease is still renewed (so no
     * other run starts before the history has this one; at most one lease TTL), then releases the
     * lease.
     */
    private RunReport finish(Lease lease, LeaseWatchdog watchdog, List<PhaseReport> reports, RunOutcome outcome,
                             RunError error, String skipReason, int lastStarted) {
        RunReport report;
        ScheduledFuture<?> lapse = null;
        try {
            // a history that hangs (no socket timeout) must not keep the lease, and the pipeline, forever
            lapse = settings.leaseTimer().schedule(() -> {
                log.warn("Recording run {} of '{}' takes longer than the lease TTL of {}; no longer renewing its lease",
                        runId, pipeline.name(), human(settings.leaseTtl()));
                watchdog.stop();
            }, settings.leaseTtl().toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("Runner closing; the lease of run {} is renewed until its report is recorded", runId);
        }
        try {
            report = publishAndRecord(reports, outcome, error, skipReason, lastStarted);
        } finally {
            if (lapse != null) {
                lapse.cancel(false);
            }
            watchdog.stop();
        }
        if (strayAttempt != null && !strayAttempt.isFinished()) {
            // never two holders working: the stuck phase keeps the lease (and its work dir) until it ends
            new LingeringLease(lease, strayAttempt, settings, workDir).start();
        } else {
            release(lease, pipeline.name(), settings);
            workDir.delete();
        }
        listeners.runFinished(report);
        log.info("Run {} of '{}' finished: {} in {}{}", runId, pipeline.name(), outcome.wireName(),
                human(report.duration()), error == null ? "" : " (" + error.type() + ": " + error.message() + ")");
        if (callerInterrupted) {
            Thread.currentThread().interrupt();
        }
        return report;
    }

    private RunReport publishAndRecord(List<PhaseReport> reports, RunOutcome outcome, RunError error,
                                       String skipReason, int lastStarted) {
        StatusTracker t = tracker;
        if (t != null) {
            t.stop();
        }
        Instant finishedAt = settings.clock().instant();
        if (finishedAt.isBefore(startedAt)) {
            finishedAt = startedAt;
        }
        RunReport report = new RunReport(runId, pipeline.name(), trigger, mode, outcome, settings.nodeId(),
                fencingToken, startedAt, finishedAt, reports, error, null, skipReason);
        if (t != null) {
            PipelineStatus last = t.finished(outcome, lastStarted, error, finalMessage(report), finishedAt);
            t.publishFinal(last, stopOutcome == RunOutcome.LEASE_LOST);
        }
        try {
            settings.history().record(report);
            settings.reports().recorded(report);
            if (outcome == RunOutcome.SUCCEEDED) {
                settings.typical().runSucceeded(pipeline.name(), settings.historyCalls());
            }
        } catch (RuntimeException e) {
            log.error("Could not record run {} of '{}' in the run history; this runner tries again when its next run"
                    + " starts", runId, pipeline.name(), e);
            settings.reports().refused(report);
        }
        return report;
    }

    static void release(Lease lease, String pipeline, RunSettings settings) {
        try {
            lease.release();
        } catch (RuntimeException e) {
            log.warn("Could not release the lease of '{}' (it expires after {}): {}", pipeline,
                    human(settings.leaseTtl()), e.getMessage());
        }
    }

    private String finalMessage(RunReport report) {
        return switch (report.outcome()) {
            case SUCCEEDED -> "Completed " + report.phases().size() + " phase" + (report.phases().size() == 1 ? "" : "s")
                    + " in " + human(report.duration());
            case SKIPPED -> report.skipReason();
            default -> report.error() == null ? report.outcome().wireName() : report.error().message();
        };
    }

    /**
     * @param d a duration
     * @return it for a log line, e.g. {@code 250 ms}, {@code 12.5 s}, {@code 3 min 4 s}, {@code 2 h 5 min}
     */
    public static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = ms / 1000;
        return s >= 3600 ? (s / 3600) + " h " + (s % 3600 / 60) + " min" : (s / 60) + " min " + (s % 60) + " s";
    }
}
