package dev.pipelinesdk.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelinesdk.api.Progress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EtaEstimatorTest {

    private static final List<String> PHASES = List.of("download", "match", "import");
    private final EtaEstimator eta = EtaEstimator.blended();

    private static Duration s(long seconds) {
        return Duration.ofSeconds(seconds);
    }

    private Optional<Duration> estimate(int current, Duration elapsed, Progress progress,
                                        Map<String, Duration> completed, Map<String, Duration> typical) {
        return eta.estimate(new EtaEstimator.Input(PHASES, current, elapsed, progress, completed, typical));
    }

    @Test
    void nothingKnown_noEstimate() {
        assertThat(estimate(0, s(5), null, Map.of(), Map.of())).isEmpty();
    }

    @Test
    void historyOnly_remainingOfCurrentPlusLaterMedians() {
        Map<String, Duration> typical = Map.of("download", s(60), "match", s(120), "import", s(30));

        assertThat(estimate(1, s(20), null, Map.of("download", s(55)), typical)).contains(s(100 + 30));
    }

    @Test
    void progressOnly_liveRateForCurrentAndOwnPaceForLaterPhases() {
        // match: 25% in 10 s -> 30 s left; import has no history -> average of finished phases (download 40 s)
        assertThat(estimate(1, s(10), new Progress(25, 100), Map.of("download", s(40)), Map.of())).contains(s(30 + 40));
    }

    @Test
    void progressOnlyInFirstPhase_laterPhasesAssumedAsLongAsTheCurrentOne() {
        // download: 50% in 10 s -> 10 s left, projected 20 s; match and import assumed 20 s each
        assertThat(estimate(0, s(10), new Progress(50, 100), Map.of(), Map.of())).contains(s(10 + 20 + 20));
    }

    @Test
    void historyAndProgress_blendedByFractionDone() {
        // match typical 100 s, elapsed 20 s -> history says 80 s left; 40% done in 20 s -> rate says 30 s left
        // blend: 0.4 * 30 + 0.6 * 80 = 60 s; import typical 10 s
        Map<String, Duration> typical = Map.of("match", s(100), "import", s(10));

        assertThat(estimate(1, s(20), new Progress(40, 100), Map.of(), typical)).contains(s(60 + 10));
    }

    @Test
    void overrunningHistory_fallsBackToLiveRate() {
        // match typical 10 s but already 20 s in at 80%: history is no help, rate says 5 s
        assertThat(estimate(2, s(20), new Progress(80, 100), Map.of(), Map.of("import", s(10)))).contains(s(5));
    }

    @Test
    void medianOfRecentSuccessfulRuns() {
        assertThat(InMemoryRunHistory.median(List.of(s(5), s(1), s(3)))).isEqualTo(s(3));
        assertThat(InMemoryRunHistory.median(List.of(s(4), s(1), s(3), s(2)))).isEqualTo(Duration.ofMillis(2500));
    }
}
