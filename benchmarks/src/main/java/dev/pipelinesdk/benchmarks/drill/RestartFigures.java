package dev.pipelinesdk.benchmarks.drill;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The figures a server-restart drill adds to its {@link DrillResult}.
 *
 * @param drill                  what was restarted and how, e.g. {@code Redis (AOF always): SIGKILL, start at once}
 * @param overlapsExpected       whether this configuration is the unsafe contrast (overlaps are
 *                               reported, not a target; its only target is that nothing is served half-done)
 * @param restarts               server restarts done
 * @param restartsByKind         restarts by {@link RestartDrill.Disruption} name
 * @param landedIn               where the restarts landed: the phase a run was in, or {@code between-runs}
 * @param hitOutcomes            outcomes of the runs whose time touched an outage (server down .. back)
 * @param notRecovered           restarts after which no scheduled run succeeded within the recovery bound
 * @param downP50                server down (kill or stop) to back (answers), median
 * @param downMax                the same, largest
 * @param toStartP50             server back to the next scheduled run's start, median
 * @param toStartMax             the same, largest
 * @param toSuccessP50           server back to the end of the next scheduled run that succeeded, median
 * @param toSuccessMax           the same, largest
 * @param imports                runs whose import (the swap) completed
 * @param importFencesIncreasing whether the fencing tokens of those runs strictly increase in the
 *                               order their imports completed
 * @param servedFenceIsLatest    whether the served tables at the end carry the largest token of those runs
 * @param historyWithoutOutcome  runs that ended (their outcome is in the drill log) but whose outcome
 *                               is not in the run history (the write failed during an outage)
 * @param historyGapRunIds       up to 5 of those run ids, as evidence
 * @param missed                 scheduled instants recorded as missed
 */
public record RestartFigures(String drill, boolean overlapsExpected, int restarts, Map<String, Integer> restartsByKind,
                             Map<String, Integer> landedIn, Map<String, Integer> hitOutcomes, int notRecovered,
                             Duration downP50, Duration downMax, Duration toStartP50, Duration toStartMax,
                             Duration toSuccessP50, Duration toSuccessMax, int imports, boolean importFencesIncreasing,
                             boolean servedFenceIsLatest, int historyWithoutOutcome, List<String> historyGapRunIds,
                             int missed) {

    /** Copies the collections. */
    public RestartFigures {
        restartsByKind = Map.copyOf(restartsByKind);
        landedIn = Map.copyOf(landedIn);
        hitOutcomes = Map.copyOf(hitOutcomes);
        historyGapRunIds = List.copyOf(historyGapRunIds);
    }

    /**
     * @return whether the restart-specific promises held: the scheduler resumed after every restart,
     *     and imports were fenced (the unsafe contrast has no such target)
     */
    public boolean passed() {
        return overlapsExpected || (notRecovered == 0 && importFencesIncreasing && servedFenceIsLatest);
    }
}
