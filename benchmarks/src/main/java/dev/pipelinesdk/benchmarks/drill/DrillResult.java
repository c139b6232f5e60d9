package dev.pipelinesdk.benchmarks.drill;

import java.time.Duration;
import java.util.Map;

/**
 * The figures of one backend's fault drill.
 *
 * @param backend               {@code redis} or {@code file}
 * @param runs                  runs started (lease taken), killed ones included
 * @param kills                 runs whose worker was killed with SIGKILL while the run held the lease
 * @param killsByPhase          where the kills landed: phase name, or {@code after-phases} (in the
 *                              run's final bookkeeping)
 * @param overlaps              pairs of runs whose work intervals (start..end of last phase, or
 *                              start..kill) overlap; must be 0
 * @param fencesMonotonic       whether the fencing tokens strictly increase in start order
 * @param abandonedExpected     kills that landed while a phase ran (status {@code running} published):
 *                              each must be recorded {@code ABANDONED} by the next holder
 * @param abandonedRecorded     of those, how many the history holds as {@code ABANDONED}
 * @param afterPhasesRecorded   of the kills after the last phase, how many the history holds at all
 *                              (as {@code ABANDONED} or their real outcome)
 * @param otherOutcomes         runs not killed that did not succeed, by outcome
 * @param servedReads           served-table digests read while the drill ran
 * @param badServedReads        of those, how many were neither the reference nor the empty state
 * @param servedReadErrors      digest queries that failed
 * @param servedAtEnd           whether the served tables equal the reference at the end
 * @param recoveryP50           kill to the next run's start, median
 * @param recoveryMax           kill to the next run's start, largest
 * @param leaseTtl              the workers' lease TTL
 * @param wallTime              how long the drill took
 * @param restarts              the figures of a server-restart drill, {@code null} for a SIGKILL drill
 */
public record DrillResult(String backend, int runs, int kills, Map<String, Integer> killsByPhase, int overlaps,
                          boolean fencesMonotonic, int abandonedExpected, int abandonedRecorded,
                          int afterPhasesRecorded, Map<String, Integer> otherOutcomes, long servedReads,
                          long badServedReads, long servedReadErrors, boolean servedAtEnd, Duration recoveryP50,
                          Duration recoveryMax, Duration leaseTtl, Duration wallTime, RestartFigures restarts) {

    /**
     * @return whether every safety promise held; for the unsafe contrast of the restart drills
     *     (overlaps expected) only that nothing was served half-done
     */
    public boolean passed() {
        boolean served = badServedReads == 0 && servedAtEnd;
        if (restarts != null && restarts.overlapsExpected()) {
            return served;
        }
        return served && overlaps == 0 && fencesMonotonic && abandonedRecorded == abandonedExpected
                && (restarts == null || restarts.passed());
    }

    /** @return a few lines for the console */
    public String summary() {
        if (restarts != null) {
            RestartFigures f = restarts;
            return String.format(java.util.Locale.ROOT,
                    "%s [%s backend]: %d runs, %d restarts %s landed %s, hit runs %s, not recovered %d,"
                            + " down p50 %d / max %d ms, back -> next start p50 %d / max %d ms,"
                            + " back -> next success p50 %d / max %d ms, overlaps %d, fences monotonic %s,"
                            + " imports %d (fences increasing %s, served = latest %s), history without outcome %d %s,"
                            + " other outcomes %s, missed %d, served reads %d (bad %d, unavailable %d),"
                            + " served = reference at end %s, %d s -> %s",
                    f.drill(), backend, runs, f.restarts(), f.restartsByKind(), f.landedIn(), f.hitOutcomes(),
                    f.notRecovered(), f.downP50().toMillis(), f.downMax().toMillis(), f.toStartP50().toMillis(),
                    f.toStartMax().toMillis(), f.toSuccessP50().toMillis(), f.toSuccessMax().toMillis(), overlaps,
                    fencesMonotonic, f.imports(), f.importFencesIncreasing(), f.servedFenceIsLatest(),
                    f.historyWithoutOutcome(), f.historyGapRunIds(), otherOutcomes, f.missed(), servedReads,
                    badServedReads, servedReadErrors, servedAtEnd, wallTime.toSeconds(), passed() ? "PASSED" : "FAILED");
        }
        int afterPhases = killsByPhase.getOrDefault("after-phases", 0);
        return String.format(java.util.Locale.ROOT,
                "%s: %d runs, %d kills %s, overlaps %d, fences monotonic %s, abandoned recorded %d/%d"
                        + " (+%d/%d kills after the last phase in history), other outcomes %s,"
                        + " served reads %d (bad %d, errors %d), served = reference at end %s,"
                        + " recovery p50 %d ms / max %d ms (TTL %d ms), %d s -> %s",
                backend, runs, kills, killsByPhase, overlaps, fencesMonotonic, abandonedRecorded, abandonedExpected,
                afterPhasesRecorded, afterPhases, otherOutcomes, servedReads, badServedReads, servedReadErrors,
                servedAtEnd, recoveryP50.toMillis(), recoveryMax.toMillis(), leaseTtl.toMillis(), wallTime.toSeconds(),
                passed() ? "PASSED" : "FAILED");
    }
}
