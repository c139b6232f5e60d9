package dev.pipelinesdk.benchmarks.runner;

import static dev.pipelinesdk.benchmarks.Comparison.percentile;

import dev.pipelinesdk.benchmarks.Op;
import java.util.Locale;

/**
 * Absolute timings where there is no baseline to alternate with: rounds of operations after a
 * warm-up, summarised by the median and the quartiles of the per-round ns per operation.
 *
 * @param median median ns per operation
 * @param p25    25th percentile of the per-round ns per operation
 * @param p75    75th percentile
 * @param rounds rounds measured
 * @param ops    operations per round
 */
record Samples(double median, double p25, double p75, int rounds, int ops) {

    static Samples of(Op op, int warmupOps, int rounds, int ops) throws Exception {
        for (int i = 0; i < warmupOps; i++) {
            op.run();
        }
        double[] perOp = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            for (int i = 0; i < ops; i++) {
                op.run();
            }
            perOp[r] = (double) (System.nanoTime() - start) / ops;
        }
        return new Samples(percentile(perOp, 50), percentile(perOp, 25), percentile(perOp, 75), rounds, ops);
    }

    /** @return e.g. {@code 412.0 µs (p25–p75 405.1–420.3)} */
    String microsText() {
        return String.format(Locale.ROOT, "%.1f µs (p25–p75 %.1f–%.1f)", median / 1000, p25 / 1000, p75 / 1000);
    }
}
