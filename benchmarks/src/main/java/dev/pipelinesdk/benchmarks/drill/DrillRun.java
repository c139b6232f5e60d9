package dev.pipelinesdk.benchmarks.drill;

import java.util.ArrayList;
import java.util.List;

/** What the drill log (and the drill itself, for kills) says about one run. Mutable, drill-internal. */
final class DrillRun {
    /** The trigger of runs started by a schedule, as logged. */
    static final String SCHEDULED = "scheduled";

    final String runId;
    final long fence;
    final long pid;
    final long startMicros;
    /** Its trigger's wire name, {@code null} when the log does not say. */
    final String trigger;
    final List<String> phasesStarted = new ArrayList<>();
    /** When the last phase-end line was written, -1 when none. */
    long lastPhaseEndMicros = -1;
    /** Whether the pipeline's last phase ended (the run was past all its work). */
    boolean lastPhaseEnded;
    /** When its last phase (the import and swap) ended successfully, -1 when it did not. */
    long importedMicros = -1;
    /** The outcome of its end line, {@code null} when none. */
    String outcome;
    long endMicros = -1;
    /** When the drill killed its process, -1 when it did not. */
    long killMicros = -1;

    DrillRun(String runId, long fence, long pid, long startMicros, String trigger) {
        this.runId = runId;
        this.trigger = trigger;
        this.fence = fence;
        this.pid = pid;
        this.startMicros = startMicros;
    }

    boolean scheduled() {
        return SCHEDULED.equals(trigger);
    }

    boolean imported() {
        return importedMicros >= 0;
    }

    /** @return whether the run's time (start .. end line, or .. end of work without one) touches [from, to] */
    boolean touches(long fromMicros, long toMicros) {
        long end = Math.max(endMicros, workEndMicros());
        return startMicros <= toMicros && end >= fromMicros;
    }

    boolean killed() {
        return killMicros >= 0;
    }

    /**
     * @return the end of the run's work under the lease: the kill, or the end of its last phase
     *     (written before the lease is released; the end line comes after the release), or its start
     *     when it ran no phase
     */
    long workEndMicros() {
        if (killed() && !lastPhaseEnded) {
            return killMicros;
        }
        // a run killed after its last phase ended had done its work there: it may have released
        // the lease before the kill (and before its "end" line), so a next holder may start before it
        return lastPhaseEndMicros >= 0 ? lastPhaseEndMicros : startMicros;
    }

    /** @return where a kill landed: the last phase started, {@code after-phases}, or {@code before-phases} */
    String killedIn() {
        if (lastPhaseEnded) {
            return "after-phases";
        }
        return phasesStarted.isEmpty() ? "before-phases" : phasesStarted.get(phasesStarted.size() - 1);
    }
}
