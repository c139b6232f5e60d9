package dev.pipelinesdk.benchmarks.runner;

import dev.pipelinesdk.api.Phase;
import dev.pipelinesdk.api.PhaseContext;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.benchmarks.Benchmark;
import dev.pipelinesdk.benchmarks.Comparison;
import dev.pipelinesdk.benchmarks.Environment;
import dev.pipelinesdk.benchmarks.Figure;
import dev.pipelinesdk.core.InMemoryStateBackend;
import dev.pipelinesdk.core.Pipeline;
import dev.pipelinesdk.core.PipelineRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code progress}: the cost of {@code ctx.progress(i, n)} once per iteration of a phase's loop, and
 * how often the runner writes status to the backend meanwhile.
 */
public final class ProgressBenchmark implements Benchmark {

    static final String ID = "progress";
    /** Iterations of every measured loop. */
    static final int N = 100_000_000;
    private static final int WARMUP = 2;
    private static final int ROUNDS = 10;
    private static final int MINIMAL_ROUNDS = 6;
    /** How long the publish rate is observed while the phase calls progress continuously. */
    private static final long RATE_WINDOW_NANOS = 4_000_000_000L;
    private static final long MULTIPLIER = 0x9E3779B97F4A7C15L;

    /** Consumes every loop's result, so that the JIT keeps the work. */
    static volatile long sink;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Progress reporting in a tight loop";
    }

    @Override
    public String method() {
        return "A one-phase pipeline run by `PipelineRunner.runOnce` on an `InMemoryStateBackend` wrapped in a"
                + " delegating counter of `publishStatus` (default publish interval 250 ms, heartbeat 5 s). Inside the"
                + " phase, with its real `PhaseContext`, two loops of 10^8 iterations (int counter) alternate. Both"
                + " do the same accumulate-and-consume work per iteration, `acc = (acc ^ i) * 0x9E3779B97F4A7C15L`"
                + " (a serial multiply chain the JIT can neither vectorise nor fold; ~4 cycles per iteration),"
                + " and store `acc` in a volatile field at the end; the subject also calls `ctx.progress(i + 1, n)`"
                + " each iteration. " + WARMUP + " warm-up loops per side, then " + ROUNDS + " alternating loops per"
                + " side, every one of 10^8 iterations. A second pair uses the lightest possible work"
                + " (`acc += i`, " + MINIMAL_ROUNDS + " rounds), to show the call's cost where the loop body costs"
                + " next to nothing. The write rate is counted over a " + RATE_WINDOW_NANOS / 1_000_000_000L
                + " s window in which the phase calls progress continuously (publishes during the phase body /"
                + " its duration). Bounded by the two ordered stores `progress` makes (`lazySet` of total and"
                + " done) and its argument check, which run beside the multiply chain.";
    }

    @Override
    public List<Figure> run(Environment env) throws Exception {
        RunLogs.quiet();
        CountingStateBackend backend = new CountingStateBackend(new InMemoryStateBackend());
        Comparison[] results = new Comparison[2];
        double[] rate = new double[3]; // writes, seconds, calls
        Phase loop = Phase.of("loop", ctx -> {
            results[0] = Comparison.of(() -> sink = mixWithProgress(ctx, N), () -> sink = mix(N), WARMUP, ROUNDS, 1);
            results[1] = Comparison.of(() -> sink = sumWithProgress(ctx, N), () -> sink = sum(N), WARMUP,
                    MINIMAL_ROUNDS, 1);
            long writesBefore = backend.publishes();
            long start = System.nanoTime();
            long loops = 0;
            while (System.nanoTime() - start < RATE_WINDOW_NANOS) {
                sink = mixWithProgress(ctx, N);
                loops++;
            }
            rate[0] = backend.publishes() - writesBefore;
            rate[1] = (System.nanoTime() - start) / 1e9;
            rate[2] = loops * (double) N;
        });
        Pipeline pipeline = Pipeline.builder("progress-bench").phase(loop).build();
        RunReport report;
        long runStart = System.nanoTime();
        try (PipelineRunner runner = PipelineRunner.builder(backend).workDirectory(env.scratch().resolve("work"))
                .build()) {
            report = runner.runOnce(pipeline);
        }
        double runSeconds = (System.nanoTime() - runStart) / 1e9;
        if (report.outcome() != RunOutcome.SUCCEEDED) {
            throw new IllegalStateException("progress benchmark run ended " + report.outcome() + ": " + report.error());
        }
        Comparison mix = results[0];
        Comparison minimal = results[1];
        double writesPerSecond = rate[0] / rate[1];

        List<Figure> figures = new ArrayList<>();
        figures.add(new Figure(ID, "10^8-iteration loop with `ctx.progress(i, n)` / the same loop without",
                mix.ratioText(), "≤ 1.05×", mix.ratio() <= 1.05,
                String.format(Locale.ROOT, "%.2f s vs %.2f s per 10^8-iteration loop (%.2f vs %.2f ns per iteration,"
                                + " +%.2f ns per call); %d alternating loops per side, all of 10^8 iterations",
                        mix.subjectNsPerOp() / 1e9, mix.baselineNsPerOp() / 1e9, mix.subjectNsPerOp() / N,
                        mix.baselineNsPerOp() / N, (mix.subjectNsPerOp() - mix.baselineNsPerOp()) / N, mix.rounds())));
        figures.add(new Figure(ID, "same, with the lightest loop body (`acc += i`)", minimal.ratioText(), "", null,
                String.format(Locale.ROOT, "%.3f vs %.3f ns per iteration (+%.2f ns per call): where the body costs"
                                + " less than a cycle, the two ordered stores and the check are the whole loop, and the"
                                + " bare loop is unrolled without them; %d alternating loops of 10^8 per side",
                        minimal.subjectNsPerOp() / N, minimal.baselineNsPerOp() / N,
                        (minimal.subjectNsPerOp() - minimal.baselineNsPerOp()) / N, minimal.rounds())));
        figures.add(new Figure(ID, "status writes per second while progress is called continuously",
                String.format(Locale.ROOT, "%.2f /s", writesPerSecond), "≤ 5 /s", writesPerSecond <= 5,
                String.format(Locale.ROOT, "%.0f `publishStatus` calls in %.2f s of phase body, %.2e progress calls;"
                                + " whole run: %d writes in %.1f s (phase start and final documents included)",
                        rate[0], rate[1], rate[2], backend.publishes(), runSeconds)));
        return figures;
    }

    static long mixWithProgress(PhaseContext ctx, int n) {
        long acc = 1;
        for (int i = 0; i < n; i++) {
            acc = (acc ^ i) * MULTIPLIER;
            ctx.progress(i + 1L, n);
        }
        return acc;
    }

    static long mix(int n) {
        long acc = 1;
        for (int i = 0; i < n; i++) {
            acc = (acc ^ i) * MULTIPLIER;
        }
        return acc;
    }

    static long sumWithProgress(PhaseContext ctx, int n) {
        long acc = 0;
        for (int i = 0; i < n; i++) {
            acc += i;
            ctx.progress(i + 1L, n);
        }
        return acc;
    }

    static long sum(int n) {
        long acc = 0;
        for (int i = 0; i < n; i++) {
            acc += i;
        }
        return acc;
    }
}
