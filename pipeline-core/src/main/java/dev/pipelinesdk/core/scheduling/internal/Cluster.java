package dev.pipelinesdk.core.scheduling.internal;

import com.github.kagkarlsson.scheduler.ScheduledExecution;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.pipelinesdk.api.Names;
import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.StateBackend;
import dev.pipelinesdk.api.Trigger;
import dev.pipelinesdk.core.RunHistory;
import dev.pipelinesdk.core.jdbc.ActiveRun;
import dev.pipelinesdk.core.jdbc.JdbcRunHistory;
import dev.pipelinesdk.core.jdbc.RunQuery;
import dev.pipelinesdk.core.scheduling.JobInfo;
import dev.pipelinesdk.core.scheduling.TriggerResult;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What every member of a scheduler cluster, and a process with only database access, can do with
 * the shared database: trigger a run and list the jobs. Not part of the public API.
 */
public final class Cluster {
    /** The db-scheduler task of each pipeline's recurring schedule (instance id = pipeline name). */
    public static final String SCHEDULE_TASK = "pipeline-schedule";
    /** The db-scheduler task of a manual trigger (instance id = pipeline name: at most one queued). */
    public static final String TRIGGER_TASK = "pipeline-trigger";

    private final SchedulerClient tasks;
    private final JobStore jobs;
    private final RunHistory history;
    private final StateBackend backend; // null in a database-only client
    private final Clock clock;
    private final Supplier<String> runIds;

    /**
     * @param tasks   db-scheduler (the scheduler itself, for immediate execution, or a client)
     * @param jobs    the pipeline_jobs table
     * @param history the run history
     * @param backend the state backend, {@code null} when only the database is at hand
     * @param clock   the clock
     * @param runIds  makes fresh run ids
     */
    public Cluster(SchedulerClient tasks, JobStore jobs, RunHistory history, StateBackend backend, Clock clock,
                   Supplier<String> runIds) {
        this.tasks = tasks;
        this.jobs = jobs;
        this.history = history;
        this.backend = backend;
        this.clock = clock;
        this.runIds = runIds;
    }

    /**
     * Task definitions that only name the tasks and their data type, for a client that schedules
     * and reads executions but never runs them.
     *
     * @return the two task descriptors
     */
    public static List<Task<?>> descriptors() {
        return List.of(Tasks.custom(SCHEDULE_TASK, String.class).execute((i, c) -> null),
                Tasks.custom(TRIGGER_TASK, String.class).execute((i, c) -> null));
    }

    /**
     * @param pipeline the pipeline
     * @param trigger  who asks
     * @param mode     which phases
     * @return the result
     * @throws IllegalArgumentException when no scheduler of the cluster has registered the pipeline
     */
    public TriggerResult trigger(String pipeline, Trigger trigger, RunMode mode) {
        requireKnown(pipeline);
        Optional<String> running = runningRunId(pipeline);
        if (running.isPresent()) {
            return new TriggerResult(pipeline, TriggerResult.Status.ALREADY_RUNNING, running.get());
        }
        Optional<TriggerResult> queued = queuedTrigger(pipeline);
        if (queued.isPresent()) {
            return queued.get();
        }
        Instant now = clock.instant();
        TaskData data = new TaskData(now, runIds.get(), trigger, mode, null, null);
        if (tasks.scheduleIfNotExists(new TaskInstance<>(TRIGGER_TASK, pipeline, data.toJson()), now)) {
            return new TriggerResult(pipeline, TriggerResult.Status.ACCEPTED, data.runId());
        }
        // another trigger won the race a moment ago
        return queuedTrigger(pipeline).orElseGet(() -> new TriggerResult(pipeline,
                TriggerResult.Status.ALREADY_RUNNING, runningRunId(pipeline).orElse(null)));
    }

    /** @return every registered pipeline, by name */
    public List<JobInfo> jobs() {
        List<JobInfo> out = new ArrayList<>();
        for (JobStore.Job job : jobs.all()) {
            String p = job.pipeline();
            Instant next = scheduled(SCHEDULE_TASK, p).map(ScheduledExecution::getExecutionTime).orElse(null);
            List<RunReport> last = history.recent(p, 1);
            RunReport lastRun = last.isEmpty() ? null : last.get(0);
            Optional<ActiveRun> active = activeRun(p);
            String runningId = runningRunId(p).orElse(null);
            Instant since = active.filter(a -> a.runId().equals(runningId)).map(ActiveRun::startedAt).orElse(null);
            boolean queued = scheduled(TRIGGER_TASK, p).filter(e -> !e.isPicked()).isPresent();
            out.add(new JobInfo(p, job.scheduleText(), job.zone() == null ? null : ZoneId.of(job.zone()), next,
                    lastRun == null ? null : lastRun.outcome(), lastRun == null ? null : lastRun.finishedAt(),
                    lastSuccess(p), runningId, since, queued));
        }
        return out;
    }

    /**
     * @param pipeline a pipeline
     * @return the next scheduled instant of its recurring schedule
     */
    public Optional<Instant> nextScheduled(String pipeline) {
        return scheduled(SCHEDULE_TASK, pipeline).map(ScheduledExecution::getExecutionTime);
    }

    private void requireKnown(String pipeline) {
        Names.requirePipeline(pipeline);
        if (jobs.find(pipeline).isEmpty()) {
            String known = jobs.all().stream().map(JobStore.Job::pipeline).collect(Collectors.joining(", "));
            throw new IllegalArgumentException("Unknown pipeline '" + pipeline + "': the scheduler cluster has "
                    + (known.isEmpty() ? "no pipelines registered yet (start a scheduler first)" : known));
        }
    }

    private Optional<TriggerResult> queuedTrigger(String pipeline) {
        return scheduled(TRIGGER_TASK, pipeline).map(e -> {
            String runId = runIdOf(e);
            return e.isPicked()
                    ? new TriggerResult(pipeline, TriggerResult.Status.ALREADY_RUNNING, runId)
                    : new TriggerResult(pipeline, TriggerResult.Status.ALREADY_QUEUED, runId);
        });
    }

    private static String runIdOf(ScheduledExecution<Object> e) {
        try {
            return TaskData.parse((String) e.getData()).runId();
        } catch (RuntimeException unreadable) {
            return "unknown";
        }
    }

    private Optional<ScheduledExecution<Object>> scheduled(String task, String pipeline) {
        return tasks.getScheduledExecution(TaskInstanceId.of(task, pipeline));
    }

    /** The lease holder when the state backend is at hand (the truth), else the history's live run. */
    private Optional<String> runningRunId(String pipeline) {
        if (backend != null) {
            return backend.currentHolder(pipeline);
        }
        return activeRun(pipeline).map(ActiveRun::runId);
    }

    private Optional<ActiveRun> activeRun(String pipeline) {
        return history instanceof JdbcRunHistory jdbc ? jdbc.activeRun(pipeline) : Optional.empty();
    }

    private Instant lastSuccess(String pipeline) {
        if (history instanceof JdbcRunHistory jdbc) {
            List<RunReport> ok = jdbc.recent(RunQuery.builder().pipeline(pipeline).outcome(RunOutcome.SUCCEEDED)
                    .limit(1).build());
            return ok.isEmpty() ? null : ok.get(0).finishedAt();
        }
        return history.recent(pipeline, 50).stream().filter(RunReport::succeeded).findFirst()
                .map(RunReport::finishedAt).orElse(null);
    }
}
