package dev.pipelinesdk.benchmarks;

import java.util.List;

/** The benchmarks, in report order. */
final class Benchmarks {
    static final List<Benchmark> ALL = List.of(
            new dev.pipelinesdk.benchmarks.lease.RedisLeaseBenchmark(),
            new dev.pipelinesdk.benchmarks.lease.FileLeaseBenchmark(),
            new dev.pipelinesdk.benchmarks.runner.ProgressBenchmark(),
            new dev.pipelinesdk.benchmarks.runner.RunnerBenchmark(),
            new dev.pipelinesdk.benchmarks.scheduling.TriggerLatencyBenchmark(),
            new dev.pipelinesdk.benchmarks.scheduling.TakeoverBenchmark(),
            new dev.pipelinesdk.benchmarks.stops.MatchingBenchmark(),
            new dev.pipelinesdk.benchmarks.stops.ImportBenchmark());

    private Benchmarks() {
    }
}
