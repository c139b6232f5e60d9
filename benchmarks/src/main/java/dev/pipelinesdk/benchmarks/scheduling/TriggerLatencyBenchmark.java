package dev.pipelinesdk.benchmarks.scheduling;

import static dev.pipelinesdk.benchmarks.Comparison.percentile;

import dev.pipelinesdk.api.Phase;
import dev.pipelinesdk.api.PipelineListener;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.benchmarks.Benchmark;
import dev.pipelinesdk.benchmarks.Environment;
import dev.pipelinesdk.benchmarks.Figure;
import dev.pipelinesdk.core.InMemoryStateBackend;
import dev.pipelinesdk.core.Pipeline;
import dev.pipelinesdk.core.jdbc.JdbcRunHistory;
import dev.pipelinesdk.core.jdbc.SchemaMigrations;
import dev.pipelinesdk.core.scheduling.PipelineScheduler;
import dev.pipelinesdk.core.scheduling.PipelineSchedulerClient;
import dev.pipelinesdk.core.scheduling.TriggerResult;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;

/** Issue 7 target 5: {@code trigger()} → first phase started, on the same instance and from another one. */
public final class TriggerLatencyBenchmark implements Benchmark {
    static final int TRIGGERS = 200;
    static final Duration POLLING = Duration.ofSeconds(1);

    @Override
    public String id() {
        return "trigger";
    }

    @Override
    public String title() {
        return "5. Trigger latency";
    }

    @Override
    public String method() {
        return "A `PipelineScheduler` (db-scheduler on the benchmark's PostgreSQL, in-memory state backend, polling"
                + " interval " + POLLING.toSeconds() + " s) runs a one-phase pipeline whose phase only notes the time"
                + " it started. " + TRIGGERS + " times in a row, after the previous run ended: the time from the call"
                + " to the phase's start. *Same instance*: `scheduler.trigger(name)` (immediate execution: the"
                + " instance that is asked runs it at once). *Another instance*: `PipelineSchedulerClient.trigger(name)`"
                + " from a process part that runs no scheduler, i.e. only the database: the scheduler finds the"
                + " execution on its next poll, so the polling interval bounds this latency. The PostgreSQL round"
                + " trip (`SELECT 1`) of the same run is given for scale.";
    }

    @Override
    public List<Figure> run(Environment env) throws Exception {
        DataSource ds = env.database().dataSource();
        SchemaMigrations.migrate(ds);
        BlockingQueue<Long> phaseStarts = new LinkedBlockingQueue<>();
        BlockingQueue<RunReport> finished = new LinkedBlockingQueue<>();
        Pipeline pipeline = Pipeline.builder("bench")
                .phase(Phase.of("first", ctx -> phaseStarts.add(System.nanoTime())))
                .build();
        List<Figure> figures = new ArrayList<>();
        try (InMemoryStateBackend backend = new InMemoryStateBackend();
             PipelineScheduler scheduler = PipelineScheduler.builder(ds, backend)
                     .pipeline(pipeline)
                     .history(JdbcRunHistory.create(ds))
                     .pollingInterval(POLLING)
                     .listener(new PipelineListener() {
                         @Override
                         public void onRunFinished(RunReport report) {
                             finished.add(report);
                         }
                     })
                     .build()
                     .start()) {
            PipelineSchedulerClient client = PipelineSchedulerClient.connect(ds);
            Runnable idle = () -> awaitIdle(scheduler);
            double[] same = measure(() -> scheduler.trigger("bench"), idle, phaseStarts, finished, 10, TRIGGERS);
            double[] other = measure(() -> client.trigger("bench"), idle, phaseStarts, finished, 2, 40);
            double rtt = roundTripMs(ds);
            figures.add(latency("same instance", same, "≤ 150 ms p99", percentile(same, 99) <= 150));
            figures.add(latency("another instance (database only)", other, "", null));
            figures.add(new Figure(id(), "PostgreSQL round trip", String.format(Locale.ROOT, "%.2f ms median", rtt), "",
                    null, "`SELECT 1` on one connection, 200 times"));
        }
        return figures;
    }

    private Figure latency(String metric, double[] ms, String target, Boolean met) {
        return new Figure(id(), "trigger → first phase, " + metric, String.format(Locale.ROOT,
                "p50 %.1f ms, p99 %.1f ms, max %.1f ms", percentile(ms, 50), percentile(ms, 99), percentile(ms, 100)),
                target, met, ms.length + " triggers after " + "warm-up");
    }

    /** Waits until the previous run's execution is gone from the cluster (not just its phases done). */
    private static void awaitIdle(PipelineScheduler scheduler) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (scheduler.jobs().stream().anyMatch(j -> j.running() || j.triggerQueued())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the previous run did not end within 30 s");
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static double[] measure(Supplier<TriggerResult> trigger, Runnable awaitIdle, BlockingQueue<Long> starts,
                                    BlockingQueue<RunReport> finished, int warmup, int n) throws Exception {
        double[] ms = new double[n];
        for (int i = -warmup; i < n; i++) {
            awaitIdle.run();
            starts.clear();
            finished.clear();
            long t0 = System.nanoTime();
            TriggerResult r = trigger.get();
            if (!r.accepted()) {
                throw new IllegalStateException("trigger not accepted: " + r);
            }
            Long started = starts.poll(30, TimeUnit.SECONDS);
            if (started == null) {
                throw new IllegalStateException("the triggered run did not start within 30 s");
            }
            if (finished.poll(30, TimeUnit.SECONDS) == null) {
                throw new IllegalStateException("the triggered run did not finish within 30 s");
            }
            if (i >= 0) {
                ms[i] = (started - t0) / 1e6;
            }
        }
        return ms;
    }

    private static double roundTripMs(DataSource ds) throws Exception {
        double[] ms = new double[200];
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (int i = 0; i < 20; i++) {
                s.execute("SELECT 1");
            }
            for (int i = 0; i < ms.length; i++) {
                long t0 = System.nanoTime();
                s.execute("SELECT 1");
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        return percentile(ms, 50);
    }
}
