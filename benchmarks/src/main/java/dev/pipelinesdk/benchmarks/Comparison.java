package dev.pipelinesdk.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A subject measured against its baseline in the same process: rounds of {@code ops} operations
 * alternate (baseline, subject, baseline, subject, ...) after a warm-up, so that both see the same
 * machine load; each round gives ns per operation, each adjacent pair a ratio.
 *
 * @param subjectNsPerOp  median ns/op of the subject's rounds
 * @param baselineNsPerOp median ns/op of the baseline's rounds
 * @param ratio           median of the per-pair ratios subject / baseline
 * @param ratioP25        25th percentile of the per-pair ratios
 * @param ratioP75        75th percentile of the per-pair ratios
 * @param rounds          measured rounds per side
 * @param opsPerRound     operations per round
 */
public record Comparison(double subjectNsPerOp, double baselineNsPerOp, double ratio, double ratioP25, double ratioP75,
                         int rounds, int opsPerRound) {

    /**
     * @param subject     what is measured
     * @param baseline    what it is compared with
     * @param warmup      rounds per side before measuring
     * @param rounds      measured rounds per side
     * @param opsPerRound operations per round
     * @return the comparison
     * @throws Exception when an operation fails
     */
    public static Comparison of(Op subject, Op baseline, int warmup, int rounds, int opsPerRound) throws Exception {
        for (int i = 0; i < warmup; i++) {
            round(baseline, opsPerRound);
            round(subject, opsPerRound);
        }
        double[] s = new double[rounds];
        double[] b = new double[rounds];
        double[] r = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            // alternate which side goes first, so that neither always follows the other
            if (i % 2 == 0) {
                b[i] = round(baseline, opsPerRound);
                s[i] = round(subject, opsPerRound);
            } else {
                s[i] = round(subject, opsPerRound);
                b[i] = round(baseline, opsPerRound);
            }
            r[i] = s[i] / b[i];
        }
        return new Comparison(median(s), median(b), median(r), percentile(r, 25), percentile(r, 75), rounds, opsPerRound);
    }

    /** @return ns per operation of one round */
    static double round(Op op, int ops) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            op.run();
        }
        return (double) (System.nanoTime() - start) / ops;
    }

    static double median(double[] values) {
        return percentile(values, 50);
    }

    /**
     * @param values a sample
     * @param p      the percentile, 0 to 100 (linear interpolation)
     * @return that percentile of the sample
     */
    public static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double index = p / 100.0 * (sorted.length - 1);
        int lo = (int) Math.floor(index);
        int hi = (int) Math.ceil(index);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (index - lo);
    }

    /** @return percentiles of a sample, e.g. latencies */
    static List<Double> percentiles(List<Double> sample, double... ps) {
        double[] v = sample.stream().mapToDouble(Double::doubleValue).toArray();
        List<Double> out = new ArrayList<>();
        for (double p : ps) {
            out.add(percentile(v, p));
        }
        return out;
    }

    /** @return e.g. {@code 1.07× (p25–p75 1.03–1.11)} */
    public String ratioText() {
        return String.format(Locale.ROOT, "%.3f× (p25–p75 %.3f–%.3f)", ratio, ratioP25, ratioP75);
    }
}
