package dev.pipelinesdk.core.scheduling;

import dev.pipelinesdk.core.internal.Checks;

import com.github.kagkarlsson.scheduler.ScheduledExecution;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.SchedulerState;
import com.github.kagkarlsson.scheduler.event.AbstractSchedulerListener;
import com.github.kagkarlsson.scheduler.event.SchedulerListener.SchedulerEventType;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import dev.pipelinesdk.api.Names;
import dev.pipelinesdk.api.PipelineListener;
import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.StateBackend;
import dev.pipelinesdk.api.Trigger;
import dev.pipelinesdk.core.Pipeline;
import dev.pipelinesdk.core.PipelineRunner;
import dev.pipelinesdk.core.RunHistory;
import dev.pipelinesdk.core.jdbc.JdbcRunHistory;
import dev.pipelinesdk.core.jdbc.SchemaMigrations;
import dev.pipelinesdk.core.scheduling.internal.Cluster;
import dev.pipelinesdk.core.scheduling.internal.JobStore;
import dev.pipelinesdk.core.scheduling.internal.PipelineTasks;
import dev.pipelinesdk.core.scheduling.internal.TaskData;
import dev.pipelinesdk.core.scheduling.internal.TextSerializer;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs pipelines on schedules that survive restarts and are shared by a cluster: db-scheduler keeps
 * each pipeline's next run in Postgres ({@code scheduled_tasks}), whichever instance is free runs a
 * due execution, and every run goes through {@link PipelineRunner#runOnce}, so the state backend's
 * lease still guarantees that two runs of a pipeline never overlap.
 *
 * <pre>{@code
 * SchemaMigrations.migrate(dataSource);                       // once, by the deploy step
 * PipelineScheduler scheduler = PipelineScheduler.builder(dataSource, backend)
 *         .pipeline(stops, Schedule.dailyAt(ZoneId.of("Europe/Zurich"), LocalTime.of(2, 30)))
 *         .build()
 *         .start();
 * scheduler.trigger("stops");                                 // run now, on whichever node is free
 * scheduler.close();                                          // graceful: see stop()
 * }</pre>
 *
 * <p><b>Misfires.</b> A due instant runs as soon as the pipeline's lease is free, unless that is
 * later than the misfire grace time after the instant: then it is recorded as
 * {@link dev.pipelinesdk.api.RunOutcome#MISSED} and the next regular instant is kept. After
 * downtime there is one execution per pipeline, so missed instants never fire as a burst.
 *
 * <p><b>Crashes.</b> db-scheduler's heartbeat is tuned from the lease TTL (every TTL/6, dead after
 * 4 missed), so a run whose process died is noticed within about one TTL; it is revived on another
 * instance as soon as the lease is free, unless the history shows that it had finished after all.
 */
public final class PipelineScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PipelineScheduler.class);

    private final DataSource dataSource;
    private final StateBackend backend;
    private final RunHistory history;
    private final Map<String, Pipeline> pipelines;
    private final Map<String, Schedule> schedules;
    private final Duration pollingInterval;
    private final Duration shutdownDeadline;
    private final Clock clock;
    private final PipelineRunner runner;
    private final PipelineTasks tasks;
    private final Scheduler scheduler;
    private final JobStore jobs;
    private final Cluster cluster;
    private volatile Instant lastPoll;
    private volatile boolean stopping;
    private boolean started; // guarded by this
    private boolean stopped; // guarded by this

    private PipelineScheduler(Builder b) {
        this.dataSource = b.dataSource;
        this.backend = b.backend;
        this.history = b.history != null ? b.history : JdbcRunHistory.create(b.dataSource);
        this.pipelines = Map.copyOf(b.pipelines);
        this.schedules = Map.copyOf(b.schedules);
        this.pollingInterval = b.pollingInterval;
        this.shutdownDeadline = b.shutdownDeadline;
        this.clock = b.clock;
        PipelineRunner.Builder rb = PipelineRunner.builder(backend).history(history).clock(clock).leaseTtl(b.leaseTtl)
                .cancelGrace(min(Duration.ofSeconds(5), b.leaseTtl.dividedBy(4)));
        b.listeners.forEach(rb::listener);
        if (b.nodeId != null) {
            rb.nodeId(b.nodeId);
        }
        b.runnerOptions.accept(rb);
        this.runner = rb.build();
        Duration leasePoll = clamp(b.leaseTtl.dividedBy(10), Duration.ofMillis(100), Duration.ofSeconds(2));
        this.tasks = new PipelineTasks(runner, pipelines, schedules, history, backend, b.listeners, clock,
                b.misfireGrace, leasePoll, () -> stopping);
        Duration heartbeat = clamp(b.leaseTtl.dividedBy(6), Duration.ofMillis(500), Duration.ofMinutes(5));
        this.scheduler = Scheduler.create(dataSource, List.of(tasks.scheduleTask(), tasks.triggerTask()))
                .serializer(TextSerializer.INSTANCE)
                .threads(b.threads > 0 ? b.threads : Math.max(2, 2 * pipelines.size()))
                .pollingInterval(pollingInterval)
                .heartbeatInterval(heartbeat)
                .missedHeartbeatsLimit(4)
                .enableImmediateExecution()
                .schedulerName(new SchedulerName.Fixed(runner.nodeId()))
                .shutdownMaxWait(Duration.ofSeconds(20)) // runs are cancelled before; the runner's close bounds them
                .clock(clock::instant)
                .addSchedulerListener(new AbstractSchedulerListener() {
                    @Override
                    public void onSchedulerEvent(SchedulerEventType type) {
                        if (type == SchedulerEventType.RAN_EXECUTE_DUE) {
                            lastPoll = clock.instant();
                        }
                    }
                })
                .build();
        this.jobs = new JobStore(dataSource);
        this.cluster = new Cluster(scheduler, jobs, history, backend, clock, runner::newRunId);
        tasks.cluster(cluster);
    }

    /**
     * @param dataSource the Postgres database holding {@code scheduled_tasks} and the run history,
     *                   migrated with {@link SchemaMigrations#migrate}
     * @param backend    the state backend holding leases and status documents
     * @return a builder
     */
    public static Builder builder(DataSource dataSource, StateBackend backend) {
        return new Builder(dataSource, backend);
    }

    /**
     * Checks the schema, registers the pipelines and their schedules in the database (a changed
     * schedule takes effect at its next regular instant), starts polling and publishes each
     * pipeline's next run into its status document.
     *
     * @return this scheduler
     * @throws IllegalStateException when the database schema is not current (run the migrate step)
     *                               or the scheduler was already started
     */
    public synchronized PipelineScheduler start() {
        if (started) {
            throw new IllegalStateException("PipelineScheduler was already started");
        }
        SchemaMigrations.requireCurrent(dataSource);
        Instant now = clock.instant();
        for (Pipeline p : pipelines.values()) {
            register(p.name(), schedules.get(p.name()), now);
        }
        for (String name : schedules.keySet()) {
            cluster.nextScheduled(name).ifPresent(next -> tasks.publishNextRun(name, next));
        }
        scheduler.start();
        started = true;
        log.info("Pipeline scheduler {} started with {}", runner.nodeId(), describePipelines());
        return this;
    }

    private void register(String name, Schedule schedule, Instant now) {
        JobStore.Job job = schedule == null
                ? new JobStore.Job(name, null, "manual only", null)
                : new JobStore.Job(name, schedule.key(), schedule.describe(), schedule.zone().getId());
        Optional<JobStore.Job> before = jobs.upsert(job, runner.nodeId());
        TaskInstanceId id = TaskInstanceId.of(Cluster.SCHEDULE_TASK, name);
        Optional<ScheduledExecution<Object>> existing = scheduler.getScheduledExecution(id);
        if (schedule == null) {
            if (existing.isPresent() && !existing.get().isPicked()) {
                scheduler.cancel(id);
                log.info("'{}' is manual only now; its schedule was removed", name);
            }
            return;
        }
        if (existing.isEmpty()) {
            TaskData first = tasks.regular(schedule, schedule.first(now));
            scheduler.scheduleIfNotExists(new TaskInstance<>(Cluster.SCHEDULE_TASK, name, first.toJson()), first.due());
            log.info("Scheduled '{}' {} ({}); first run at {}", name, schedule.describe(), schedule.zone(), first.due());
            return;
        }
        boolean changed = before.map(j -> !schedule.key().equals(j.scheduleKey())).orElse(true);
        if (changed && existing.get().isPicked()) {
            // keep the old key, so that the next start applies the change if the run in progress
            // is finished by an instance that still has the old schedule
            before.ifPresent(old -> jobs.upsert(old, runner.nodeId()));
            log.warn("Schedule of '{}' changed to {}, but its execution is running; it takes effect afterwards",
                    name, schedule.describe());
            return;
        }
        if (changed) {
            TaskData next = tasks.regular(schedule, schedule.next(existing.get().getExecutionTime(), now));
            scheduler.reschedule(id, next.due(), next.toJson());
            log.info("Schedule of '{}' changed to {} ({}); next run at {}", name, schedule.describe(),
                    schedule.zone(), next.due());
        }
    }

    /**
     * Asks the cluster to run a pipeline now (trigger {@code manual}, every phase). The run starts
     * on whichever instance is free; on this instance at once when a thread is free.
     *
     * @param pipeline the pipeline's name
     * @return {@code ACCEPTED} with the new run's id, {@code ALREADY_QUEUED}, or
     *     {@code ALREADY_RUNNING} with the id of the run in progress
     * @throws IllegalArgumentException when the pipeline is unknown
     */
    public TriggerResult trigger(String pipeline) {
        return trigger(pipeline, Trigger.MANUAL, RunMode.full());
    }

    /**
     * @param pipeline the pipeline's name
     * @param trigger  who asks (recorded with the run)
     * @param mode     which phases
     * @return as {@link #trigger(String)}
     * @throws IllegalArgumentException when the pipeline is unknown or the mode names a phase it
     *                                  does not have
     * @throws IllegalStateException    when the scheduler is not running
     */
    public TriggerResult trigger(String pipeline, Trigger trigger, RunMode mode) {
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(mode, "mode");
        Pipeline p = pipelines.get(pipeline);
        if (p != null) {
            mode.select(p.phaseNames()); // rejects unknown phases here, not later on another node
        }
        synchronized (this) {
            if (!started || stopped) {
                throw new IllegalStateException("PipelineScheduler is not running");
            }
        }
        return cluster.trigger(pipeline, trigger, mode);
    }

    /** @return every pipeline registered in the cluster's database, by name */
    public List<JobInfo> jobs() {
        return cluster.jobs();
    }

    /** @return this instance's health: scheduler, database, state backend, last poll */
    public SchedulerHealth health() {
        List<String> problems = new ArrayList<>();
        SchedulerState state = scheduler.getSchedulerState();
        boolean running;
        synchronized (this) {
            running = started && !stopped && state.isStarted() && !state.isShuttingDown() && !state.isPaused();
        }
        if (!running) {
            problems.add("scheduler is not running");
        }
        boolean db = false;
        try (Connection c = dataSource.getConnection()) {
            db = c.isValid(2);
            if (!db) {
                problems.add("database did not answer within 2 s");
            }
        } catch (Exception e) {
            problems.add("database unreachable: " + e.getMessage());
        }
        boolean store = false;
        try {
            backend.currentHolder(pipelines.keySet().iterator().next());
            store = true;
        } catch (RuntimeException e) {
            problems.add("state backend unreachable (" + backend.description() + "): " + e.getMessage());
        }
        Instant poll = lastPoll;
        Duration allowed = pollingInterval.multipliedBy(3).plusSeconds(5);
        if (running && (poll == null || Duration.between(poll, clock.instant()).compareTo(allowed) > 0)) {
            problems.add(poll == null ? "no poll for due runs yet" : "last poll for due runs was at " + poll);
        }
        return new SchedulerHealth(running, db, store, poll, problems);
    }

    /** @return the runner that runs this scheduler's pipelines (e.g. to cancel a run) */
    public PipelineRunner runner() {
        return runner;
    }

    /**
     * Stops gracefully: takes no new runs, gives a run in progress the shutdown deadline to end by
     * itself, then cancels it (status {@code cancelled}) and waits for it to release its lease. A
     * scheduled instant that did not start stays in the database and is judged by the misfire rule
     * after the restart.
     */
    public void stop() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            stopping = true;
        }
        if (started) {
            scheduler.pause();
        }
        long deadline = System.nanoTime() + shutdownDeadline.toNanos();
        while (!runner.activeRunIds().isEmpty() && System.nanoTime() < deadline) {
            sleepQuietly(20);
        }
        for (String name : pipelines.keySet()) {
            if (runner.cancel(name, "the scheduler is shutting down")) {
                log.info("Cancelled the run of '{}': the scheduler is shutting down", name);
            }
        }
        runner.close();
        if (started) {
            scheduler.stop();
        }
        log.info("Pipeline scheduler {} stopped", runner.nodeId());
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    private String describePipelines() {
        List<String> out = new ArrayList<>();
        for (String name : pipelines.keySet()) {
            Schedule s = schedules.get(name);
            out.add(name + " (" + (s == null ? "manual only" : s.describe() + ", " + s.zone()) + ")");
        }
        return String.join(", ", out);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration clamp(Duration d, Duration min, Duration max) {
        return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
    }

    /** Builds a {@link PipelineScheduler}; every setter rejects a bad value with the value in the message. */
    public static final class Builder {
        private final DataSource dataSource;
        private final StateBackend backend;
        private RunHistory history;
        private final Map<String, Pipeline> pipelines = new LinkedHashMap<>();
        private final Map<String, Schedule> schedules = new LinkedHashMap<>();
        private final List<PipelineListener> listeners = new ArrayList<>();
        private int threads;
        private Duration pollingInterval = Duration.ofSeconds(10);
        private Duration misfireGrace = Duration.ofMinutes(15);
        private Duration leaseTtl = Duration.ofSeconds(30);
        private Duration shutdownDeadline = Duration.ofSeconds(30);
        private Clock clock = Clock.systemUTC();
        private String nodeId;
        private Consumer<PipelineRunner.Builder> runnerOptions = rb -> { };

        private Builder(DataSource dataSource, StateBackend backend) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.backend = Objects.requireNonNull(backend, "backend");
        }

        /**
         * @param pipeline a pipeline
         * @param schedule when it runs by itself
         * @return this
         * @throws IllegalArgumentException when a pipeline of that name was already added
         */
        public Builder pipeline(Pipeline pipeline, Schedule schedule) {
            Objects.requireNonNull(schedule, "schedule");
            add(pipeline);
            schedules.put(pipeline.name(), schedule);
            return this;
        }

        /**
         * @param pipeline a pipeline that only runs when triggered
         * @return this
         * @throws IllegalArgumentException when a pipeline of that name was already added
         */
        public Builder pipeline(Pipeline pipeline) {
            add(pipeline);
            return this;
        }

        private void add(Pipeline pipeline) {
            Objects.requireNonNull(pipeline, "pipeline");
            if (pipelines.putIfAbsent(pipeline.name(), pipeline) != null) {
                throw new IllegalArgumentException("Pipeline '" + pipeline.name() + "' was already added");
            }
        }

        /**
         * @param history where runs are recorded (default: {@link JdbcRunHistory} on the same database)
         * @return this
         */
        public Builder history(RunHistory history) {
            this.history = Objects.requireNonNull(history, "history");
            return this;
        }

        /**
         * @param listener told about every run and missed instant (e.g. a failure notifier)
         * @return this
         */
        public Builder listener(PipelineListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * @param threads how many runs this instance may execute at once (default: twice the number of
         *                pipelines, at least 2: a due run and a trigger of each)
         * @return this
         */
        public Builder threads(int threads) {
            if (threads < 1 || threads > 256) {
                throw new IllegalArgumentException("threads must be 1..256, was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * @param interval how often the database is asked for due runs (default 10 s; 100 ms to
         *                 1 h). Triggers on this instance do not wait for it.
         * @return this
         */
        public Builder pollingInterval(Duration interval) {
            this.pollingInterval = Checks.within("pollingInterval", interval, Duration.ofMillis(100), Duration.ofHours(1));
            return this;
        }

        /**
         * @param grace how late a due instant may still start (default 15 min; 0 to 7 days)
         * @return this
         */
        public Builder misfireGrace(Duration grace) {
            this.misfireGrace = Checks.within("misfireGrace", grace, Duration.ZERO, Duration.ofDays(7));
            return this;
        }

        /**
         * @param ttl the runs' lease TTL (default 30 s; 1 s to 1 h); db-scheduler's heartbeat is derived from it
         * @return this
         */
        public Builder leaseTtl(Duration ttl) {
            this.leaseTtl = Checks.within("leaseTtl", ttl, Duration.ofSeconds(1), Duration.ofHours(1));
            return this;
        }

        /**
         * @param deadline how long {@link #stop()} lets a run in progress finish before cancelling it
         *                 (default 30 s; 0 to 1 day)
         * @return this
         */
        public Builder shutdownDeadline(Duration deadline) {
            this.shutdownDeadline = Checks.within("shutdownDeadline", deadline, Duration.ZERO, Duration.ofDays(1));
            return this;
        }

        /**
         * @param clock wall time for due instants and records (default UTC system clock)
         * @return this
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param nodeId this instance's name in the database and in run records (default host/pid)
         * @return this
         */
        public Builder nodeId(String nodeId) {
            this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
            return this;
        }

        /**
         * @param options further runner settings (work directory, publish interval, cancel grace …);
         *                backend, history, clock, lease TTL and listeners are set by the scheduler
         * @return this
         */
        public Builder runnerOptions(Consumer<PipelineRunner.Builder> options) {
            this.runnerOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * @return the scheduler, not started
         * @throws IllegalStateException when no pipeline was added
         */
        public PipelineScheduler build() {
            if (pipelines.isEmpty()) {
                throw new IllegalStateException("PipelineScheduler needs at least one pipeline");
            }
            pipelines.keySet().forEach(Names::requirePipeline);
            return new PipelineScheduler(this);
        }
    }
}
