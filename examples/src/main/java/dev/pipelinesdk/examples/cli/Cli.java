package dev.pipelinesdk.examples.cli;

import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.StateBackendException;
import dev.pipelinesdk.api.Trigger;
import dev.pipelinesdk.core.Pipeline;
import dev.pipelinesdk.core.PipelineRunner;
import dev.pipelinesdk.core.RunRequest;
import dev.pipelinesdk.core.config.ConfigException;
import dev.pipelinesdk.core.jdbc.JdbcRunHistory;
import dev.pipelinesdk.core.jdbc.MigrationResult;
import dev.pipelinesdk.core.jdbc.RunQuery;
import dev.pipelinesdk.core.jdbc.SchemaMigrations;
import dev.pipelinesdk.core.scheduling.JobInfo;
import dev.pipelinesdk.core.scheduling.PipelineScheduler;
import dev.pipelinesdk.core.scheduling.PipelineSchedulerClient;
import dev.pipelinesdk.core.scheduling.TriggerResult;
import dev.pipelinesdk.core.export.ExportTracker;
import dev.pipelinesdk.core.status.StatusFeed;
import dev.pipelinesdk.examples.ExampleConfig;
import dev.pipelinesdk.examples.http.StatusHttpServer;
import dev.pipelinesdk.examples.pipeline.StopsPipeline;
import dev.pipelinesdk.examples.pipeline.StopsTables;
import dev.pipelinesdk.examples.stops.StopsGenerator;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line of {@code pipeline-example.jar}: {@code scheduler} (the default), {@code run},
 * {@code trigger}, {@code status}, {@code jobs}, {@code history}, {@code migrate},
 * {@code generate-data}. Configuration comes only from the environment. Exit codes: see
 * {@link ExitCodes}.
 */
public final class Cli {
    private static final Logger log = LoggerFactory.getLogger(Cli.class);

    static final String PROGRAM = "pipeline-example";
    private static final Duration RUN_STOP_BOUND = Duration.ofSeconds(30);

    private static final Map<String, Args.Spec> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("scheduler", new Args.Spec(Set.of(), Set.of(), ""));
        COMMANDS.put("run", new Args.Spec(Set.of("mode", "trigger"), Set.of("force"),
                "[--mode full|from:PHASE|only:PHASE[,PHASE]] [--trigger cli|manual|...] [--force]"));
        COMMANDS.put("trigger", new Args.Spec(Set.of("mode"), Set.of(), "[--mode full|from:PHASE|only:PHASE[,PHASE]]"));
        COMMANDS.put("status", new Args.Spec(Set.of(), Set.of("json"), "[--json]"));
        COMMANDS.put("jobs", new Args.Spec(Set.of(), Set.of("json"), "[--json]"));
        COMMANDS.put("history", new Args.Spec(Set.of("limit"), Set.of("json"), "[--limit N] [--json]"));
        COMMANDS.put("migrate", new Args.Spec(Set.of(), Set.of(), ""));
        COMMANDS.put("generate-data", new Args.Spec(Set.of("out", "stops", "seed"), Set.of(),
                "--out DIR --stops N [--seed S]"));
        COMMANDS.put("help", new Args.Spec(Set.of(), Set.of(), ""));
    }

    private final Map<String, String> env;
    private final Path workingDir;
    private final PrintStream out;
    private final PrintStream err;
    private final UnaryOperator<StopsPipeline.Builder> customize;
    /** Counted down when {@link #run} has closed everything: shutdown hooks wait for it, so the JVM does not halt first. */
    private final CountDownLatch closed = new CountDownLatch(1);

    /**
     * @param env        the environment variables
     * @param workingDir the directory {@code ./pipeline-data} is resolved against
     * @param out        where results go
     * @param err        where errors go (one line each)
     */
    public Cli(Map<String, String> env, Path workingDir, PrintStream out, PrintStream err) {
        this(env, workingDir, out, err, UnaryOperator.identity());
    }

    /** For tests: {@code customize} adjusts the stops pipeline (e.g. a hook before the import's swap). */
    Cli(Map<String, String> env, Path workingDir, PrintStream out, PrintStream err,
        UnaryOperator<StopsPipeline.Builder> customize) {
        this.env = Map.copyOf(env);
        this.workingDir = workingDir.toAbsolutePath().normalize();
        this.out = out;
        this.err = err;
        this.customize = customize;
    }

    /**
     * Runs the program's entry point.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        int code = new Cli(System.getenv(), Path.of(""), out, err).run(args);
        System.exit(code);
    }

    /**
     * @param args the command line
     * @return the exit code ({@link ExitCodes})
     */
    public int run(String[] args) {
        try {
            return execute(args);
        } finally {
            closed.countDown();
        }
    }

    private int execute(String[] args) {
        try {
            Args parsed = Args.parse(args, COMMANDS, "scheduler");
            if (parsed.command().equals("help")) {
                out.print(usage());
                return ExitCodes.OK;
            }
            if (parsed.command().equals("generate-data")) {
                return generateData(parsed);
            }
            ExampleConfig config = ExampleConfig.from(env, workingDir);
            LogSetup.apply(config.pipeline().logLevel());
            log.debug("Configuration: {}", config);
            try (Services services = new Services(config)) {
                return switch (parsed.command()) {
                    case "scheduler" -> scheduler(services);
                    case "run" -> runOnce(services, parsed);
                    case "trigger" -> trigger(services, parsed);
                    case "status" -> status(services, parsed);
                    case "jobs" -> jobs(services, parsed);
                    case "history" -> history(services, parsed);
                    case "migrate" -> migrate(services);
                    default -> throw new UsageException("unknown command \"" + parsed.command() + "\"");
                };
            }
        } catch (UsageException | ConfigException e) {
            return fail(ExitCodes.USAGE, e.getMessage());
        } catch (Services.UnavailableException | StateBackendException e) {
            log.debug("Unavailable", e);
            return fail(ExitCodes.UNAVAILABLE, e.getMessage());
        } catch (RuntimeException e) {
            log.debug("Unexpected error", e); // the stack trace only at DEBUG: the user gets one line
            return fail(ExitCodes.RUN_FAILED, e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
        }
    }

    private int fail(int code, String message) {
        err.println(PROGRAM + ": " + firstLine(message));
        return code;
    }

    static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }

    private static String usage() {
        StringBuilder b = new StringBuilder("Usage: java -jar pipeline-example.jar [COMMAND [OPTIONS]]\n\nCommands:\n");
        COMMANDS.forEach((name, spec) -> b.append("  ").append(name).append(spec.usage().isEmpty() ? "" : " " + spec.usage())
                .append('\n'));
        b.append("\nWithout a command: scheduler. Configuration comes from environment variables (see README.md).\n")
                .append("Exit codes: 0 ok or skipped, 1 run failed, 2 bad usage or configuration,")
                .append(" 69 database or state backend unreachable, 75 already running.\n");
        return b.toString();
    }

    // ---- commands

    private int generateData(Args args) {
        Path dir = workingDir.resolve(args.required("out"));
        int stops = args.intValue("stops", 0, 1, 10_000_000);
        if (stops == 0) {
            throw new UsageException("generate-data: --stops is required");
        }
        long seed = args.longValue("seed", 1L);
        try {
            var summary = StopsGenerator.generate(dir, stops, seed);
            out.println("Generated " + summary);
            return ExitCodes.OK;
        } catch (UncheckedIOException e) {
            return fail(ExitCodes.RUN_FAILED, "generate-data: could not write " + dir + ": " + e.getCause().getMessage());
        }
    }

    private void migrateIfNeeded(Services services) {
        MigrationResult result = SchemaMigrations.migrate(services.dataSource());
        if (result.changed()) {
            log.info("Database schema migrated to version {} (applied {})", result.currentVersion(), result.applied());
        }
        try {
            StopsTables.ensureSchema(services.dataSource());
        } catch (SQLException e) {
            throw new Services.UnavailableException("Could not create the served tables: " + e.getMessage(), e);
        }
    }

    private int migrate(Services services) {
        MigrationResult result = SchemaMigrations.migrate(services.dataSource());
        try {
            StopsTables.ensureSchema(services.dataSource());
        } catch (SQLException e) {
            throw new Services.UnavailableException("Could not create the served tables: " + e.getMessage(), e);
        }
        out.println(result.changed()
                ? "Schema migrated to version " + result.currentVersion() + " (applied " + result.applied() + ")"
                : "Schema already at version " + result.currentVersion());
        return ExitCodes.OK;
    }

    private Pipeline pipeline(Services services, boolean force) {
        ExampleConfig config = services.config();
        StopsPipeline.Builder b = StopsPipeline.builder(services.dataSource(), config.dataDir())
                .fenceDomain(services.backend().description())
                .radiusMetres(config.radiusMetres())
                .maxProblemRatio(config.maxProblemRatio())
                .force(force);
        if (config.atlasSource().isPresent()) {
            b.sources(config.atlasSource().get(), config.osmSource().orElseThrow());
        } else {
            try {
                b.sampleSources();
            } catch (IOException e) {
                throw new IllegalStateException("Could not generate the sample sources in " + config.dataDir()
                        + ": " + e.getMessage(), e);
            }
        }
        return customize.apply(b).build();
    }

    private int scheduler(Services services) {
        ExampleConfig config = services.config();
        migrateIfNeeded(services);
        Pipeline pipeline = pipeline(services, false);
        JdbcRunHistory history = JdbcRunHistory.create(services.dataSource());
        PipelineScheduler scheduler = PipelineScheduler.builder(services.dataSource(), services.backend())
                .pipeline(pipeline, config.pipeline().schedule())
                .history(history)
                .build()
                .start();
        StatusFeed feed = StatusFeed.builder(services.backend()).pipelines(pipeline.name()).build();
        ExportTracker exports = ExportTracker.builder(services.backend(), pipeline.name(),
                config.dataDir().resolve("exports")).build();
        StatusHttpServer http;
        try {
            feed.start();
            http = StatusHttpServer.builder(feed, scheduler)
                    .pipeline(pipeline.name(), pipeline.phaseNames())
                    .history(history)
                    .dataSource(services.dataSource())
                    .exports(exports)
                    .token(config.apiToken())
                    .zone(config.pipeline().timezone())
                    .address(new InetSocketAddress(config.httpPort()))
                    .build()
                    .start();
        } catch (IOException | RuntimeException e) {
            exports.close();
            feed.close();
            scheduler.close();
            if (e instanceof BindException || e.getCause() instanceof BindException) {
                throw new ConfigException(ExampleConfig.HTTP_PORT, ExampleConfig.HTTP_PORT + "=" + config.httpPort()
                        + " cannot be used: " + e.getMessage() + "; expected a free TCP port");
            }
            throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            log.info("Stopping the scheduler");
            try {
                http.close();
                scheduler.close();
                exports.close();
                feed.close();
            } finally {
                stopped.countDown();
            }
            awaitClosed(); // the main thread detaches from the database, perhaps stopping the embedded server
        }, "scheduler-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        for (JobInfo job : scheduler.jobs()) {
            out.println("Scheduler started: " + job.pipeline() + " " + job.schedule() + ", next run "
                    + new Output(config.pipeline().timezone()).time(job.nextRunAt()));
        }
        out.println("Status page: http://localhost:" + http.port() + "/");
        out.println("State: " + services.backend().description() + "; stop with Ctrl-C or SIGTERM");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCodes.OK;
    }

    private int runOnce(Services services, Args args) {
        RunMode mode = mode(args);
        Trigger trigger;
        try {
            trigger = Trigger.fromWire(args.value("trigger", Trigger.CLI.wireName()));
        } catch (IllegalArgumentException e) {
            throw new UsageException("run: " + e.getMessage());
        }
        try {
            mode.select(StopsPipeline.PHASES);
        } catch (IllegalArgumentException e) {
            throw new UsageException("run: --mode " + mode + ": " + e.getMessage());
        }
        migrateIfNeeded(services);
        Pipeline pipeline = pipeline(services, args.flag("force"));
        try (PipelineRunner runner = PipelineRunner.builder(services.backend())
                .history(JdbcRunHistory.create(services.dataSource()))
                .build()) {
            Thread hook = new Thread(() -> {
                if (runner.cancel(pipeline.name(), "the process was asked to stop (SIGINT/SIGTERM)")) {
                    log.info("Cancelling the run: the process was asked to stop");
                }
                awaitClosed(); // the run records its end, then the main thread closes the runner and the database
            }, "run-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            RunReport report = runner.runOnce(pipeline, RunRequest.of(trigger, mode));
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
            return switch (report.outcome()) {
                case SUCCEEDED, SKIPPED -> {
                    out.println(Output.runSummary(report));
                    yield ExitCodes.OK;
                }
                case ALREADY_RUNNING -> fail(ExitCodes.ALREADY_RUNNING, pipeline.name() + " is already running: run "
                        + (report.holderRunId() == null ? "(unknown)" : report.holderRunId()) + " holds the lease");
                default -> fail(ExitCodes.RUN_FAILED, Output.runSummary(report));
            };
        }
    }

    private void awaitClosed() {
        try {
            if (!closed.await(RUN_STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Still closing after {}; exiting anyway", RUN_STOP_BOUND);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int trigger(Services services, Args args) {
        RunMode mode = mode(args);
        try {
            mode.select(StopsPipeline.PHASES);
        } catch (IllegalArgumentException e) {
            throw new UsageException("trigger: --mode " + mode + ": " + e.getMessage());
        }
        PipelineSchedulerClient client = client(services);
        TriggerResult result;
        try {
            result = client.trigger(StopsPipeline.NAME, Trigger.CLI, mode);
        } catch (IllegalArgumentException e) {
            throw new UsageException("trigger: " + e.getMessage());
        }
        return switch (result.status()) {
            case ACCEPTED -> {
                out.println("Triggered " + result.pipeline() + ": run " + result.runId());
                yield ExitCodes.OK;
            }
            case ALREADY_QUEUED -> {
                out.println(result.pipeline() + ": a triggered run is already queued; nothing added");
                yield ExitCodes.OK;
            }
            case ALREADY_RUNNING -> fail(ExitCodes.ALREADY_RUNNING, result.pipeline() + " is already running: run "
                    + result.runId());
        };
    }

    private PipelineSchedulerClient client(Services services) {
        try {
            return PipelineSchedulerClient.connect(services.dataSource());
        } catch (IllegalStateException e) {
            throw new UsageException(e.getMessage() + " (run `migrate`, or start the scheduler, first)");
        }
    }

    private int status(Services services, Args args) {
        PipelineStatus status = services.backend().readStatus(StopsPipeline.NAME)
                .orElse(PipelineStatus.idle(StopsPipeline.NAME));
        if (args.flag("json")) {
            out.println(new String(status.toJson(), StandardCharsets.UTF_8));
        } else {
            out.print(new Output(services.config().pipeline().timezone()).status(status));
        }
        return ExitCodes.OK;
    }

    private int jobs(Services services, Args args) {
        List<JobInfo> jobs = client(services).jobs();
        out.print(args.flag("json") ? Output.jobsJson(jobs) : new Output(services.config().pipeline().timezone()).jobs(jobs));
        return ExitCodes.OK;
    }

    private int history(Services services, Args args) {
        int limit = args.intValue("limit", 20, 1, RunQuery.MAX_LIMIT);
        try {
            SchemaMigrations.requireCurrent(services.dataSource());
        } catch (IllegalStateException e) {
            throw new UsageException(e.getMessage() + " (run `migrate`, or start the scheduler, first)");
        }
        List<RunReport> runs = JdbcRunHistory.create(services.dataSource())
                .recent(RunQuery.builder().pipeline(StopsPipeline.NAME).limit(limit).build());
        out.print(args.flag("json") ? Output.historyJson(runs)
                : new Output(services.config().pipeline().timezone()).history(runs));
        return ExitCodes.OK;
    }

    private static RunMode mode(Args args) {
        String text = args.value("mode", "full");
        try {
            return RunMode.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(args.command() + ": --mode \"" + text + "\": " + e.getMessage());
        }
    }

}
