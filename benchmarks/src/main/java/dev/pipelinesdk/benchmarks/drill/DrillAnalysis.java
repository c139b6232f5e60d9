package dev.pipelinesdk.benchmarks.drill;

import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.core.RunHistory;
import dev.pipelinesdk.examples.pipeline.StopsPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Checks a drill's log, kills and run history against the promises. Timing does not enter any
 * check: the work intervals end with the last phase's end line (written before the lease is
 * released) or the kill, so two intervals can only overlap when two holders really worked at once.
 */
final class DrillAnalysis {
    /** A SIGKILL sent to a worker process. */
    record Kill(long pid, long micros) {
    }

    private final List<DrillRun> runs;
    private final int kills;
    private final RunHistory history;

    private DrillAnalysis(List<DrillRun> runs, int kills, RunHistory history) {
        this.runs = runs;
        this.kills = kills;
        this.history = history;
    }

    static DrillAnalysis of(List<String> lines, List<Kill> kills, RunHistory history) {
        Map<String, DrillRun> byId = new LinkedHashMap<>();
        String lastPhase = StopsPipeline.PHASES.get(StopsPipeline.PHASES.size() - 1);
        for (String line : lines) {
            String[] e = line.split(" ");
            switch (e[0]) {
                case "start" -> byId.put(e[1], new DrillRun(e[1], Long.parseLong(e[2]), Long.parseLong(e[3]),
                        Long.parseLong(e[4])));
                case "phase" -> byId.get(e[1]).phasesStarted.add(e[3]);
                case "phase-end" -> {
                    DrillRun r = byId.get(e[1]);
                    r.lastPhaseEndMicros = Long.parseLong(e[4]);
                    r.lastPhaseEnded |= e[2].equals(lastPhase);
                }
                case "end" -> {
                    DrillRun r = byId.get(e[1]);
                    r.outcome = e[2];
                    r.endMicros = Long.parseLong(e[3]);
                }
                case "abandoned" -> { }
                default -> throw new IllegalStateException("Unknown drill log line: " + line);
            }
        }
        List<DrillRun> runs = new ArrayList<>(byId.values());
        runs.sort(Comparator.comparingLong(r -> r.startMicros));
        int landed = 0;
        for (Kill k : kills) {
            // the kill hit the process's latest run started before it, unless that run had ended
            DrillRun hit = null;
            for (DrillRun r : runs) {
                if (r.pid == k.pid() && r.startMicros <= k.micros()) {
                    hit = r;
                }
            }
            if (hit != null && hit.outcome == null) {
                hit.killMicros = k.micros();
                landed++;
            }
        }
        return new DrillAnalysis(runs, landed, history);
    }

    DrillResult result(String backend, long reads, long badReads, long readErrors, boolean servedAtEnd,
                       Duration ttl, Duration wall, int unexpectedExits) {
        int overlaps = 0;
        boolean monotonic = true;
        long maxWorkEnd = Long.MIN_VALUE;
        long lastFence = Long.MIN_VALUE;
        Map<String, Integer> otherOutcomes = new TreeMap<>();
        Map<String, Integer> killsByPhase = new LinkedHashMap<>();
        List<Long> recoveries = new ArrayList<>();
        int expected = 0;
        int recorded = 0;
        int afterPhasesRecorded = 0;
        for (int i = 0; i < runs.size(); i++) {
            DrillRun r = runs.get(i);
            if (r.startMicros < maxWorkEnd) {
                overlaps++;
                System.err.println("fault drill: run " + r.runId + " started while another run worked");
            }
            maxWorkEnd = Math.max(maxWorkEnd, r.workEndMicros());
            monotonic &= r.fence > lastFence;
            lastFence = r.fence;
            if (!r.killed()) {
                if (r.outcome == null) {
                    otherOutcomes.merge("no-end-line", 1, Integer::sum);
                } else if (!r.outcome.equals(RunOutcome.SUCCEEDED.name())) {
                    otherOutcomes.merge(r.outcome, 1, Integer::sum);
                }
                continue;
            }
            killsByPhase.merge(r.killedIn(), 1, Integer::sum);
            if (i + 1 < runs.size()) {
                recoveries.add(runs.get(i + 1).startMicros - r.killMicros);
            }
            Optional<RunReport> found = history.find(r.runId);
            if (r.lastPhaseEnded || r.phasesStarted.isEmpty()) {
                // killed in its bookkeeping after the phases (its final status may already be
                // published) or before its first status: reported, not required
                afterPhasesRecorded += found.isPresent() ? 1 : 0;
            } else {
                expected++;
                if (found.map(f -> f.outcome() == RunOutcome.ABANDONED).orElse(false)) {
                    recorded++;
                } else {
                    System.err.println("fault drill: killed run " + r.runId + " is in the history as "
                            + found.map(f -> f.outcome().name()).orElse("nothing"));
                }
            }
        }
        if (unexpectedExits > 0) {
            otherOutcomes.put("worker-exits", unexpectedExits);
        }
        recoveries.sort(null);
        Duration p50 = recoveries.isEmpty() ? Duration.ZERO : Duration.ofNanos(recoveries.get((recoveries.size() - 1) / 2) * 1000);
        Duration max = recoveries.isEmpty() ? Duration.ZERO : Duration.ofNanos(recoveries.get(recoveries.size() - 1) * 1000);
        return new DrillResult(backend, runs.size(), kills, killsByPhase, overlaps, monotonic, expected, recorded,
                afterPhasesRecorded, otherOutcomes, reads, badReads, readErrors, servedAtEnd, p50, max, ttl, wall);
    }
}
