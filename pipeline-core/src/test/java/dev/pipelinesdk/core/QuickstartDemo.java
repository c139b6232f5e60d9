package dev.pipelinesdk.core;

import dev.pipelinesdk.api.Phase;
import dev.pipelinesdk.api.PhaseContext;
import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.RunReport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The demo that README.md's first command runs: a three-phase pipeline on the in-memory backend,
 * its live status document printed while it runs, a second concurrent run refused, the report.
 */
public final class QuickstartDemo {

    private QuickstartDemo() {
    }

    public static void main(String[] args) throws Exception {
        Pipeline pipeline = Pipeline.builder("stops")
                .phase(Phase.of("download", ctx -> work(ctx, 20_000, "Downloaded")))
                .phase(Phase.of("match", ctx -> work(ctx, 50_000, "Matched")))
                .phase(Phase.of("import", ctx -> work(ctx, 30_000, "Imported")))
                .build();
        InMemoryStateBackend backend = new InMemoryStateBackend();
        try (PipelineRunner runner = PipelineRunner.builder(backend).build()) {
            CompletableFuture<RunReport> run = CompletableFuture.supplyAsync(() -> runner.runOnce(pipeline));
            Thread.sleep(300);
            RunReport refused = runner.runOnce(pipeline);
            System.out.println("second run at the same time: " + refused.outcome() + " (holder " + refused.holderRunId() + ")");
            while (!run.isDone()) {
                backend.readStatus("stops").map(QuickstartDemo::json).ifPresent(System.out::println);
                try {
                    run.get(500, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException stillRunning) {
                    // print the status again
                }
            }
            RunReport report = run.get();
            System.out.println(json(backend.readStatus("stops").orElseThrow()));
            System.out.println("outcome " + report.outcome() + " in " + report.duration().toMillis() + " ms, counters "
                    + report.counters());
            report.phases().forEach(p -> System.out.println("  " + p.index() + ". " + p.name() + " " + p.outcome()
                    + " " + p.duration().toMillis() + " ms"));
        }
    }

    private static void work(PhaseContext ctx, int items, String verb) throws InterruptedException {
        long pause = Duration.ofMillis(1000).toNanos() / items;
        for (int i = 1; i <= items; i++) {
            ctx.throwIfCancelled();
            ctx.progress(i, items);
            if (i % 1000 == 0) {
                ctx.message(String.format("%s %,d of %,d stops", verb, i, items));
                ctx.count("stops", 1000);
            }
            long until = System.nanoTime() + pause;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        }
    }

    private static String json(PipelineStatus status) {
        return new String(status.toJson(), StandardCharsets.UTF_8);
    }
}
