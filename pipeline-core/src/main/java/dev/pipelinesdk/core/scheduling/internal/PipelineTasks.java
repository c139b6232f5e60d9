package dev.pipelinesdk.core.scheduling.internal;

import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.pipelinesdk.api.Lease;
import dev.pipelinesdk.api.PipelineListener;
import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.RunState;
import dev.pipelinesdk.api.StateBackend;
import dev.pipelinesdk.api.StateCorruptedException;
import dev.pipelinesdk.api.Trigger;
import dev.pipelinesdk.core.Pipeline;
import dev.pipelinesdk.core.PipelineRunner;
import dev.pipelinesdk.core.RunHistory;
import dev.pipelinesdk.core.RunRequest;
import dev.pipelinesdk.core.internal.RunExecution;
import dev.pipelinesdk.core.scheduling.Schedule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two db-scheduler tasks of a scheduler instance and what they do: a pipeline's recurring
 * schedule (misfire rule, waiting for the lease, recovery of a run whose process died) and a
 * manual trigger. Every run goes through {@link PipelineRunner#runOnce}, so the lease guards it.
 * Not part of the public API.
 */
public final class PipelineTasks {
    private static final Logger log = LoggerFactory.getLogger(PipelineTasks.class);

    private final PipelineRunner runner;
    private final Map<String, Pipeline> pipelines;
    private final Map<String, Schedule> schedules;
    private final RunHistory history;
    private final StateBackend backend;
    private final List<PipelineListener> listeners;
    private final Clock clock;
    private final Duration misfireGrace;
    private final Duration leasePoll;
    private final BooleanSupplier stopping;
    private Cluster cluster;

    /**
     * @param runner       runs the pipelines
     * @param pipelines    by name
     * @param schedules    by name, for the scheduled ones
     * @param history      where missed instants are recorded
     * @param backend      leases and status
     * @param listeners    told about missed instants
     * @param clock        the clock
     * @param misfireGrace how late a due instant may still run
     * @param leasePoll    how often a due run waiting for the lease looks again
     * @param stopping     whether the scheduler is stopping
     */
    public PipelineTasks(PipelineRunner runner, Map<String, Pipeline> pipelines, Map<String, Schedule> schedules,
                         RunHistory history, StateBackend backend, List<PipelineListener> listeners, Clock clock,
                         Duration misfireGrace, Duration leasePoll, BooleanSupplier stopping) {
        this.runner = runner;
        this.pipelines = Map.copyOf(pipelines);
        this.schedules = Map.copyOf(schedules);
        this.history = history;
        this.backend = backend;
        this.listeners = List.copyOf(listeners);
        this.clock = clock;
        this.misfireGrace = misfireGrace;
        this.leasePoll = leasePoll;
        this.stopping = stopping;
    }

    /** @param cluster the cluster queries (for the next scheduled instant of a triggered run) */
    public void cluster(Cluster cluster) {
        this.cluster = cluster;
    }

    /** @return the recurring-schedule task */
    public Task<String> scheduleTask() {
        return Tasks.custom(Cluster.SCHEDULE_TASK, String.class)
                .onDeadExecution(this::reviveDead)
                .onFailure(retryLater())
                .execute(this::runScheduled);
    }

    /** @return the manual-trigger task */
    public Task<String> triggerTask() {
        return Tasks.custom(Cluster.TRIGGER_TASK, String.class)
                .onDeadExecution((complete, ops) -> {
                    log.warn("A triggered run of '{}' was running in a process that died; it is not restarted "
                            + "(the next run records it as abandoned)", complete.getExecution().taskInstance.getId());
                    ops.remove();
                })
                .onFailure((complete, ops) -> ops.remove())
                .execute(this::runTriggered);
    }

    /**
     * @param schedule a schedule
     * @param due      the instant the execution is for
     * @return the task data of a regular execution due then
     */
    public TaskData regular(Schedule schedule, Instant due) {
        return new TaskData(due, runner.newRunId(), Trigger.SCHEDULED, RunMode.full(), null, null);
    }

    // ---- the recurring schedule -----------------------------------------------------------------

    private CompletionHandler<String> runScheduled(TaskInstance<String> instance, ExecutionContext ctx) {
        String name = instance.getId();
        Instant executionTime = ctx.getExecution().executionTime;
        Pipeline pipeline = pipelines.get(name);
        Schedule schedule = schedules.get(name);
        if (pipeline == null || schedule == null) {
            log.warn("Scheduled run of '{}' is due but this instance has no schedule for it; leaving it to another "
                    + "instance", name);
            return keep(clock.instant().plus(Duration.ofMinutes(1)));
        }
        TaskData data;
        try {
            data = TaskData.parse(instance.getData());
        } catch (IllegalArgumentException e) {
            log.warn("Scheduled execution of '{}' has {}; treating it as due at {}", name, e.getMessage(),
                    executionTime);
            data = regular(schedule, executionTime);
        }
        try {
            return dueRun(pipeline, schedule, data, ctx);
        } catch (RuntimeException e) {
            log.error("Scheduled run of '{}' could not be handled; trying again in a minute", name, e);
            return keep(clock.instant().plus(Duration.ofMinutes(1)));
        }
    }

    private CompletionHandler<String> dueRun(Pipeline pipeline, Schedule schedule, TaskData data,
                                             ExecutionContext ctx) {
        String name = pipeline.name();
        Instant latest = data.executeAt().plus(misfireGrace);
        String waitingFor = null;
        while (true) {
            Instant now = clock.instant();
            if (now.isAfter(latest)) {
                String why = waitingFor != null ? waitingFor
                        : "the scheduler was not running or had no free thread at the due instant";
                return missed(pipeline, schedule, data, now, why);
            }
            if (stopping.getAsBoolean() || ctx.getSchedulerState().isShuttingDown()) {
                return keep(ctx.getExecution().executionTime); // evaluated again after the restart
            }
            if (data.recovers() != null && finishedNormally(data.recovers())) {
                log.info("Run {} of '{}' was thought dead but finished; not running it again", data.recovers(), name);
                Instant next = schedule.next(data.due(), now);
                publishNextRun(name, next);
                return reschedule(regular(schedule, next));
            }
            Optional<String> holder;
            try {
                holder = backend.currentHolder(name);
            } catch (RuntimeException e) {
                waitingFor = "the state backend could not be reached: " + e.getMessage();
                holder = Optional.of("?");
            }
            if (holder.isEmpty()) {
                Instant next = schedule.next(data.due(), now);
                try {
                    RunReport report = runner.runOnce(pipeline, RunRequest.of(Trigger.SCHEDULED, RunMode.full())
                            .withRunId(data.runId()).withNextRunAt(next));
                    if (report.outcome() != RunOutcome.ALREADY_RUNNING) {
                        // the instant the run published; if the run outlasted it, the misfire rule decides
                        return reschedule(regular(schedule, next));
                    }
                    waitingFor = "run " + report.holderRunId() + " held the lease";
                } catch (IllegalStateException closed) {
                    return keep(ctx.getExecution().executionTime); // the runner is closing: scheduler stopping
                } catch (RuntimeException e) {
                    waitingFor = "the run could not start: " + e.getMessage();
                    log.warn("Scheduled run of '{}' could not start, retrying until {}: {}", name, latest,
                            e.getMessage());
                }
            } else if (waitingFor == null || !waitingFor.startsWith("the state backend")) {
                waitingFor = "run " + holder.get() + " held the lease";
            }
            if (!sleep(leasePoll)) {
                return keep(ctx.getExecution().executionTime);
            }
        }
    }

    private boolean finishedNormally(String runId) {
        try {
            return history.find(runId).map(r -> r.outcome() != RunOutcome.ABANDONED).orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private CompletionHandler<String> missed(Pipeline pipeline, Schedule schedule, TaskData data, Instant now,
                                             String why) {
        Duration late = Duration.between(data.due(), now);
        String reason = "due " + data.due() + ", " + RunExecution.human(late) + " late (misfire grace " + RunExecution.human(misfireGrace)
                + "): " + why;
        RunReport report = new RunReport(data.runId(), pipeline.name(), Trigger.SCHEDULED, RunMode.full(),
                RunOutcome.MISSED, runner.nodeId(), 0, now, now, List.of(), null, null, reason);
        log.warn("Scheduled run of '{}' missed: {}", pipeline.name(), reason);
        try {
            history.record(report);
        } catch (RuntimeException e) {
            log.error("Could not record the missed run of '{}' in the run history", pipeline.name(), e);
        }
        for (PipelineListener l : listeners) {
            try {
                l.onRunMissed(report);
            } catch (RuntimeException e) {
                log.warn("Listener {} failed on a missed run of '{}'", l, pipeline.name(), e);
            }
        }
        Instant next = schedule.next(data.due(), now);
        publishNextRun(pipeline.name(), next);
        return reschedule(regular(schedule, next));
    }

    private static CompletionHandler<String> reschedule(TaskData data) {
        return (complete, ops) -> ops.reschedule(complete, data.executeAt(), data.toJson());
    }

    private static CompletionHandler<String> keep(Instant at) {
        return (complete, ops) -> ops.reschedule(complete, at);
    }

    private FailureHandler<String> retryLater() {
        return (complete, ops) -> ops.reschedule(complete, clock.instant().plus(Duration.ofMinutes(1)));
    }

    /** A recurring execution whose process died mid-run: run it again once the lease is free. */
    private void reviveDead(com.github.kagkarlsson.scheduler.task.ExecutionComplete complete,
                            ExecutionOperations<String> ops) {
        String name = complete.getExecution().taskInstance.getId();
        String dead;
        try {
            dead = TaskData.parse((String) complete.getExecution().taskInstance.getData()).runId();
        } catch (RuntimeException e) {
            dead = null;
        }
        Instant now = clock.instant();
        log.warn("The process running the scheduled run {} of '{}' stopped sending heartbeats; running it again "
                + "as soon as its lease is free", dead, name);
        Instant due;
        try {
            due = TaskData.parse((String) complete.getExecution().taskInstance.getData()).due();
        } catch (RuntimeException e) {
            due = complete.getExecution().executionTime;
        }
        TaskData revived = new TaskData(due, runner.newRunId(), Trigger.SCHEDULED, RunMode.full(), dead, now);
        ops.reschedule(complete, revived.executeAt(), revived.toJson());
    }

    // ---- manual triggers ---------------------------------------------------------------------------

    private CompletionHandler<String> runTriggered(TaskInstance<String> instance, ExecutionContext ctx) {
        String name = instance.getId();
        Pipeline pipeline = pipelines.get(name);
        if (pipeline == null) {
            log.error("A run of '{}' was triggered, but this instance does not have that pipeline; dropping it", name);
            return new CompletionHandler.OnCompleteRemove<>();
        }
        if (stopping.getAsBoolean() || ctx.getSchedulerState().isShuttingDown()) {
            return keep(clock.instant()); // another instance (or this one after its restart) takes it
        }
        try {
            TaskData data = TaskData.parse(instance.getData());
            Instant next = cluster == null ? null : cluster.nextScheduled(name).orElse(null);
            RunReport report = runner.runOnce(pipeline, RunRequest.of(data.trigger(), data.mode())
                    .withRunId(data.runId()).withNextRunAt(next));
            if (report.outcome() == RunOutcome.ALREADY_RUNNING) {
                // the caller was told ACCEPTED with this id: leave a record of what became of it
                log.info("Triggered run {} of '{}' not started: run {} took the lease first", data.runId(), name,
                        report.holderRunId());
                history.record(report);
            }
        } catch (IllegalStateException closed) {
            return keep(clock.instant()); // the runner is closing: the scheduler is stopping
        } catch (RuntimeException e) {
            log.error("Triggered run of '{}' could not be run", name, e);
        }
        return new CompletionHandler.OnCompleteRemove<>();
    }

    // ---- helpers --------------------------------------------------------------------------------

    /**
     * Writes {@code nextRunAt} into the pipeline's status document while holding the pipeline's
     * lease for a moment, so that it never overwrites the document of a run that is starting; when
     * a run holds the lease, it publishes its own. A corrupt document is replaced.
     *
     * @param pipeline the pipeline
     * @param next     the next scheduled run
     */
    public void publishNextRun(String pipeline, Instant next) {
        Optional<Lease> lease;
        try {
            lease = backend.tryAcquire(pipeline, runner.newRunId(), Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            log.warn("Could not publish the next run time of '{}': {}", pipeline, e.getMessage());
            return;
        }
        if (lease.isEmpty()) {
            return;
        }
        try {
            writeNextRun(pipeline, next);
        } finally {
            try {
                lease.get().release();
            } catch (RuntimeException e) {
                log.warn("Could not release the lease of '{}' after publishing its next run: {}", pipeline,
                        e.getMessage());
            }
        }
    }

    private void writeNextRun(String pipeline, Instant next) {
        try {
            Optional<PipelineStatus> current;
            try {
                current = backend.readStatus(pipeline);
            } catch (StateCorruptedException e) {
                log.warn("Replacing the unreadable status document of '{}': {}", pipeline, e.getMessage());
                current = Optional.empty();
            }
            if (current.isPresent() && current.get().state() == RunState.RUNNING) {
                return;
            }
            if (current.isPresent() && next.equals(current.get().nextRunAt())) {
                return;
            }
            PipelineStatus.Builder b = current.map(PipelineStatus::toBuilder)
                    .orElseGet(() -> PipelineStatus.builder(pipeline));
            backend.publishStatus(b.nextRunAt(next).updatedAt(clock.instant()).build());
        } catch (RuntimeException e) {
            log.warn("Could not publish the next run time of '{}': {}", pipeline, e.getMessage());
        }
    }

    private boolean sleep(Duration d) {
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
