package dev.pipelinesdk.core;

import dev.pipelinesdk.api.RunInfo;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The record of every run. The runner writes one report per run (including runs found abandoned)
 * and asks for typical phase durations to estimate the ETA. Implementations are thread-safe.
 */
public interface RunHistory {

    /**
     * Records a finished run. Idempotent per run id: a report for a run id already recorded is
     * ignored (so a run that recorded itself is never recorded again as abandoned), except that a
     * run's own report replaces a record another run made for it: an {@link RunOutcome#ABANDONED}
     * report (a slow run judged dead) or one completed by {@link #recordIfUnrecorded}.
     *
     * @param report the run's report
     */
    void record(RunReport report);

    /**
     * Called when a run has taken its lease, so that a history shared by several processes can
     * show the run as running. The runner calls it on its history thread: it may arrive while the
     * first phase already runs and, for a very short run, even after {@link #record} of the same
     * run, when it must change nothing. The default does nothing.
     *
     * @param run      the run
     * @param leaseTtl how long the run counts as alive without a further {@link #runAlive} call
     */
    default void runStarted(RunInfo run, Duration leaseTtl) {
    }

    /**
     * Called about every lease TTL/3 while the run still holds its lease (on a runner thread that
     * never delays lease renewal), so that other processes can tell a live run from one whose
     * process died. The default does nothing.
     *
     * @param runId    the run
     * @param leaseTtl how long the run counts as alive from now without a further call
     */
    default void runAlive(String runId, Duration leaseTtl) {
    }

    /**
     * Completes the entry {@link #runStarted} made for a run that ended without {@link #record}
     * being called: its process stopped after publishing the run's final status. The runner that
     * next takes the lease calls this with a report rebuilt from that status (outcome, times and
     * error; no phases). Does nothing for a run that is recorded or unknown. Should the run's own
     * report still arrive, it replaces the recovered one. The default does nothing.
     *
     * @param fromStatus the report rebuilt from the run's final status
     * @return {@code true} when an entry was completed
     */
    default boolean recordIfUnrecorded(RunReport fromStatus) {
        return false;
    }

    /**
     * @param runId a run id
     * @return that run's report, if recorded
     */
    Optional<RunReport> find(String runId);

    /**
     * @param pipeline the pipeline's name
     * @param limit    at most this many
     * @return the most recent runs, newest first
     */
    List<RunReport> recent(String pipeline, int limit);

    /**
     * @param pipeline the pipeline's name
     * @return for each phase, the median duration over recent successful runs (empty when none)
     */
    Map<String, Duration> typicalPhaseDurations(String pipeline);

    /** @return a history that keeps nothing (no ETA from history) */
    static RunHistory none() {
        return NoRunHistory.INSTANCE;
    }
}
