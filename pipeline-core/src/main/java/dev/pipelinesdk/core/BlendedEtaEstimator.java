package dev.pipelinesdk.core;

import dev.pipelinesdk.api.Progress;
import java.time.Duration;
import java.util.Optional;

/** See {@link EtaEstimator#blended()}. */
final class BlendedEtaEstimator implements EtaEstimator {
    static final BlendedEtaEstimator INSTANCE = new BlendedEtaEstimator();

    private BlendedEtaEstimator() {
    }

    @Override
    public Optional<Duration> estimate(Input in) {
        String current = in.phases().get(in.currentIndex());
        Long currentLeft = currentRemainingMillis(in.currentElapsed().toMillis(), in.currentProgress(),
                in.typical().get(current));
        if (currentLeft == null) {
            return Optional.empty();
        }
        long total = currentLeft;
        long ownPace = ownPaceMillis(in, in.currentElapsed().toMillis() + currentLeft);
        for (int i = in.currentIndex() + 1; i < in.phases().size(); i++) {
            Duration typical = in.typical().get(in.phases().get(i));
            total += typical != null ? typical.toMillis() : ownPace;
        }
        return Optional.of(Duration.ofMillis(total));
    }

    /** The current phase's time left, or {@code null} when neither history nor progress tells. */
    private static Long currentRemainingMillis(long elapsed, Progress progress, Duration typical) {
        Long byRate = null;
        double fraction = 0;
        if (progress != null && progress.total() > 0 && progress.done() > 0) {
            long done = Math.min(progress.done(), progress.total());
            fraction = (double) done / progress.total();
            byRate = Math.round((double) elapsed * (progress.total() - done) / done);
        }
        Long byHistory = null;
        if (typical != null && typical.toMillis() > elapsed) {
            byHistory = typical.toMillis() - elapsed;
        }
        if (byRate != null && byHistory != null) {
            return Math.round(fraction * byRate + (1 - fraction) * byHistory);
        }
        return byRate != null ? byRate : byHistory;
    }

    /** A phase with no history is assumed to take as long as this run's finished phases on average. */
    private static long ownPaceMillis(Input in, long currentProjected) {
        if (in.completed().isEmpty()) {
            return currentProjected;
        }
        long sum = 0;
        for (Duration d : in.completed().values()) {
            sum += d.toMillis();
        }
        return sum / in.completed().size();
    }
}
