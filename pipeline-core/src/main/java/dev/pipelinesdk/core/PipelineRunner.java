package dev.pipelinesdk.core;

import dev.pipelinesdk.api.PipelineListener;
import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.StateBackend;
import dev.pipelinesdk.api.StateBackendException;
import dev.pipelinesdk.api.Trigger;
import dev.pipelinesdk.core.internal.NodeId;
import dev.pipelinesdk.core.internal.ReportBacklog;
import dev.pipelinesdk.core.internal.RunExecution;
import dev.pipelinesdk.core.internal.RunIds;
import dev.pipelinesdk.core.internal.RunSettings;
import dev.pipelinesdk.core.internal.TypicalDurations;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs pipelines, one run at a time per pipeline across every process that shares the state
 * backend. Thread-safe: call {@link #runOnce} from any number of threads.
 *
 * <pre>{@code
 * try (PipelineRunner runner = PipelineRunner.builder(new InMemoryStateBackend()).build()) {
 *     RunReport report = runner.runOnce(pipeline);
 * }
 * }</pre>
 *
 * <p>A run: takes the pipeline's lease (or returns {@link RunOutcome#ALREADY_RUNNING} at once),
 * renews it every TTL/3 and stops the run when it is lost, publishes the status document on every
 * phase change and at most every publish interval in between, runs the selected phases in order
 * (each with its timeout and retry policy), stops at the first failure, records the report in the
 * run history and releases the lease.
 */
public final class PipelineRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PipelineRunner.class);


    /** The longest lease TTL, phase timeout and grace period accepted. */
    public static final Duration MAX_DURATION = Duration.ofDays(30);

    private final RunSettings settings;
    private final Map<String, RunExecution> active = new ConcurrentHashMap<>();
    private final Object lifecycle = new Object();
    private boolean closed; // guarded by lifecycle

    private PipelineRunner(Builder b) {
        this.settings = new RunSettings(b.backend, b.history, b.eta, List.copyOf(b.listeners), b.clock, b.leaseTtl,
                b.publishInterval, b.heartbeat, b.cancelGrace, b.workRoot.toAbsolutePath(), b.nodeId,
                timer("pipeline-lease-timer"), Executors.newCachedThreadPool(daemon("pipeline-lease-renewal")),
                timer("pipeline-status-publisher"), Executors.newSingleThreadExecutor(daemon("pipeline-history")),
                Executors.newCachedThreadPool(daemon("pipeline-phase")), new TypicalDurations(b.history),
                new ReportBacklog());
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static ScheduledExecutorService timer(String name) {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, daemon(name));
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return timer;
    }

    /**
     * @param backend where leases and status live
     * @return a builder with the defaults described on each setter
     */
    public static Builder builder(StateBackend backend) {
        return new Builder(backend);
    }

    /**
     * Runs every phase, triggered {@link Trigger#MANUAL}.
     *
     * @param pipeline the pipeline
     * @return the report
     * @see #runOnce(Pipeline, Trigger, RunMode)
     */
    public RunReport runOnce(Pipeline pipeline) {
        return runOnce(pipeline, Trigger.MANUAL, RunMode.full());
    }

    /**
     * Runs the pipeline once, on the calling thread, unless another run holds its lease.
     * Interrupting the calling thread cancels the run.
     *
     * @param pipeline the pipeline
     * @param trigger  who asks for the run
     * @param mode     which phases to run
     * @return the report; its outcome is {@link RunOutcome#ALREADY_RUNNING} (with the holder's run
     *     id) when another run holds the lease
     * @throws IllegalArgumentException when the mode names a phase the pipeline does not have
     * @throws IllegalStateException    when the runner is closed
     * @throws StateBackendException    when the state backend cannot be reached to take the lease
     */
    public RunReport runOnce(Pipeline pipeline, Trigger trigger, RunMode mode) {
        return runOnce(pipeline, RunRequest.of(trigger, mode));
    }

    /**
     * Runs the pipeline once as {@link #runOnce(Pipeline, Trigger, RunMode)} does, with the run id
     * and next run time the request may carry (the scheduler hands out run ids before a run starts).
     *
     * @param pipeline the pipeline
     * @param request  trigger, mode, and optionally run id and next run time
     * @return the report
     * @throws IllegalArgumentException when the mode names a phase the pipeline does not have, or
     *                                  the run id is the id of a run of this runner in progress
     * @throws IllegalStateException    when the runner is closed
     * @throws StateBackendException    when the state backend cannot be reached to take the lease
     */
    public RunReport runOnce(Pipeline pipeline, RunRequest request) {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(request, "request");
        RunExecution run = new RunExecution(settings, pipeline, request, request.runId().orElseGet(this::newRunId));
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("PipelineRunner is closed");
            }
            if (active.containsKey(run.runId())) {
                throw new IllegalArgumentException("Run id '" + run.runId() + "' belongs to a run in progress");
            }
            active.put(run.runId(), run);
        }
        try {
            return run.run();
        } finally {
            synchronized (lifecycle) {
                active.remove(run.runId());
                if (closed && active.isEmpty()) {
                    stopThreads();
                }
            }
        }
    }

    /**
     * Cancels this runner's run of a pipeline: the running phase sees
     * {@code ctx.isCancelled()}, is interrupted after the cancel grace period, and the run ends as
     * {@link RunOutcome#CANCELLED}.
     *
     * @param pipeline the pipeline's name
     * @param reason   why, shown in the status and the log
     * @return {@code true} when this runner had a run of that pipeline
     */
    public boolean cancel(String pipeline, String reason) {
        boolean found = false;
        for (RunExecution run : active.values()) {
            if (run.pipelineName().equals(pipeline)) {
                run.cancel(RunOutcome.CANCELLED, reason);
                found = true;
            }
        }
        return found;
    }

    /** @return the ids of the runs this runner is executing now */
    public List<String> activeRunIds() {
        return new ArrayList<>(active.keySet());
    }

    /** @return the id this runner records as the owner process of its runs (host/pid) */
    public String nodeId() {
        return settings.nodeId();
    }

    /**
     * Refuses new runs, cancels the runs in progress and waits for them to end (at most twice the
     * cancel grace period plus one second). The runner's threads stop once the last run has ended,
     * so a run that is still stopping keeps its lease renewed until then; pending run-history calls
     * (reports the history refused earlier are tried once more) get up to the cancel grace period.
     * Does not close the state backend.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            if (active.isEmpty()) {
                stopThreads();
            }
        }
        active.values().forEach(run -> run.cancel(RunOutcome.CANCELLED, "the runner is shutting down"));
        long deadline = System.nanoTime() + settings.cancelGrace().multipliedBy(2).plusSeconds(1).toNanos();
        boolean interrupted = Thread.interrupted();
        while (!active.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                interrupted = true;
                break;
            }
        }
        if (!interrupted && active.isEmpty()) {
            awaitHistoryCalls();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the timers and pools (the last run's thread or {@link #close} calls it, holding the lifecycle lock). */
    private void stopThreads() {
        settings.leaseTimer().shutdown();
        settings.renewals().shutdown();
        settings.publishTimer().shutdown();
        settings.reports().retry(settings.history(), settings.historyCalls()); // a last try for refused reports
        settings.historyCalls().shutdown();
        settings.phaseThreads().shutdown(); // a phase that ignored cancellation keeps its thread until it ends
    }

    /**
     * Waits (on the thread calling {@link #close}, without any lock) up to the cancel grace period
     * for the history calls still queued, so that they are not cut off when the process exits.
     */
    private void awaitHistoryCalls() {
        try {
            if (!settings.historyCalls().awaitTermination(settings.cancelGrace().toNanos(), TimeUnit.NANOSECONDS)) {
                log.warn("Run history calls still pending after {}; not waiting longer ({} reports not recorded)",
                        settings.cancelGrace(), settings.reports().waitingCount());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @return a fresh run id in this runner's format (UTC time of creation and random hex), for
     *     callers that hand out a run's id before it starts (see {@link RunRequest#withRunId})
     */
    public String newRunId() {
        return RunIds.next(settings.clock().instant());
    }

    /**
     * Builds a {@link PipelineRunner}. Every setter rejects a bad value with the value in the
     * message. Not thread-safe.
     */
    public static final class Builder {
        private final StateBackend backend;
        private RunHistory history = RunHistory.none();
        private EtaEstimator eta = EtaEstimator.blended();
        private final List<PipelineListener> listeners = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private Duration leaseTtl = Duration.ofSeconds(30);
        private Duration publishInterval = Duration.ofMillis(250);
        private Duration heartbeat = Duration.ofSeconds(5);
        private Duration cancelGrace = Duration.ofSeconds(5);
        private Path workRoot = Path.of(System.getProperty("java.io.tmpdir"),
                "pipeline-sdk-work-" + System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_"));
        private String nodeId = NodeId.current();

        private Builder(StateBackend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
        }

        /** @param history where runs are recorded and typical durations come from (default: none) @return this */
        public Builder history(RunHistory history) {
            this.history = Objects.requireNonNull(history, "history");
            return this;
        }

        /** @param eta the ETA estimator (default {@link EtaEstimator#blended()}) @return this */
        public Builder etaEstimator(EtaEstimator eta) {
            this.eta = Objects.requireNonNull(eta, "eta");
            return this;
        }

        /** @param listener called on run and phase events; may be given several times @return this */
        public Builder listener(PipelineListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** @param clock wall time for timestamps and run ids (default UTC system clock) @return this */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param ttl lease time-to-live (default 30 s, at least 100 ms). A crashed holder blocks the
         *            pipeline for at most this long on backends without kernel-released locks; the
         *            lease is renewed every TTL/3.
         * @return this
         */
        public Builder leaseTtl(Duration ttl) {
            this.leaseTtl = within("leaseTtl", ttl, Duration.ofMillis(100));
            return this;
        }

        /**
         * @param interval the least time between two progress publishes (default 250 ms, at least 10 ms)
         * @return this
         */
        public Builder publishInterval(Duration interval) {
            this.publishInterval = within("publishInterval", interval, Duration.ofMillis(10));
            return this;
        }

        /**
         * @param heartbeat the most time between two publishes of a running status, so that elapsed
         *                  time and ETA stay fresh when progress does not move (default 5 s)
         * @return this
         */
        public Builder heartbeat(Duration heartbeat) {
            this.heartbeat = within("heartbeat", heartbeat, Duration.ofMillis(10));
            return this;
        }

        /**
         * @param grace how long a phase that is asked to stop (timeout, cancel, lost lease) gets
         *              before it is interrupted, and again after the interrupt before the runner
         *              gives up waiting (default 5 s; must be less than a third of the lease TTL)
         * @return this
         */
        public Builder cancelGrace(Duration grace) {
            this.cancelGrace = within("cancelGrace", grace, Duration.ofMillis(1));
            return this;
        }

        /**
         * @param root where per-run working directories are made (default: {@code pipeline-sdk-work-<user>}
         *             in the temp dir)
         * @return this
         */
        public Builder workDirectory(Path root) {
            this.workRoot = Objects.requireNonNull(root, "root");
            return this;
        }

        /** @param nodeId how this process is named in run reports (default host/pid) @return this */
        public Builder nodeId(String nodeId) {
            if (nodeId == null || nodeId.isBlank()) {
                throw new IllegalArgumentException("nodeId must not be blank");
            }
            this.nodeId = nodeId;
            return this;
        }

        private static Duration within(String what, Duration value, Duration min) {
            Objects.requireNonNull(value, what);
            if (value.compareTo(min) < 0 || value.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException(what + " must be between " + min.toMillis() + " ms and "
                        + MAX_DURATION.toDays() + " days, was " + value);
            }
            return value;
        }

        /**
         * @return the runner
         * @throws IllegalArgumentException when the cancel grace is not less than a third of the lease TTL
         */
        public PipelineRunner build() {
            if (cancelGrace.compareTo(leaseTtl.dividedBy(3)) >= 0) {
                throw new IllegalArgumentException("cancelGrace " + cancelGrace + " must be less than a third of leaseTtl "
                        + leaseTtl + ": a run that lost its lease must stop before the lease can pass to another owner");
            }
            return new PipelineRunner(this);
        }
    }

}
