package dev.pipelinesdk.benchmarks;

/** One operation under measurement. */
@FunctionalInterface
public interface Op {
    /**
     * @throws Exception any failure ends the benchmark
     */
    void run() throws Exception;
}
