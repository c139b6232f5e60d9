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
 * Checks a drill's log, kills, server restarts and run history against the promises. Timing does
 * not enter the safety checks: the work intervals end with the last phase's end line (written
 * before the lease is released) or the kill, so two intervals can only overlap when two holders
 * really worked at once. Recovery times are figures, bounded only by the drill's recovery bound.
 */
final class DrillAnalysis {
    /** A SIGKILL sent to a worker process. */
    record Kill(long pid, long micros) {
    }

    /**
     * A server restart.
     *
     * @param kind       the {@link RestartDrill.Disruption} name
     * @param downMicros when the server was killed or told to stop
     * @param upMicros   when it answered again
     * @param landedIn   the phase the run in progress was in, or {@code between-runs}
     */
    record Outage(String kind, long downMicros, long upMicros, String landedIn) {
    }

    /**
     * What a restart drill adds to the analysis.
     *
     * @param drill            its description
     * @param overlapsExpected whether it is the unsafe contrast
     * @param servedFence      the token of the import served at the end, -1 when none
     */
    record RestartContext(String drill, boolean overlapsExpected, long servedFence) {
    }

    private final List<DrillRun> runs;
    private final int kills;
    private final List<Outage> outages;
    private final int missed;
    private final RunHistory history;

    private DrillAnalysis(List<DrillRun> runs, int kills, List<Outage> outages, int missed, RunHistory history) {
        this.runs = runs;
        this.kills = kills;
        this.outages = outages;
        this.missed = missed;
        this.history = history;
    }

    static DrillAnalysis of(List<String> lines, List<Kill> kills, List<Outage> outages, RunHistory history) {
        int missed = 0;
        Map<String, DrillRun> byId = new LinkedHashMap<>();
        String lastPhase = StopsPipeline.PHASES.get(StopsPipeline.PHASES.size() - 1);
        for (String line : lines) {
            String[] e = line.split(" ");
            switch (e[0]) {
                case "start" -> byId.put(e[1], new DrillRun(e[1], Long.parseLong(e[2]), Long.parseLong(e[3]),
                        Long.parseLong(e[4]), e.length > 5 ? e[5] : null));
                case "phase" -> byId.get(e[1]).phasesStarted.add(e[3]);
                case "phase-end" -> {
                    DrillRun r = byId.get(e[1]);
                    r.lastPhaseEndMicros = Long.parseLong(e[4]);
                    r.lastPhaseEnded |= e[2].equals(lastPhase);
                    if (e[2].equals(lastPhase) && e[3].equals("SUCCEEDED")) {
                        r.importedMicros = Long.parseLong(e[4]);
                    }
                }
                case "end" -> {
                    DrillRun r = byId.get(e[1]);
                    r.outcome = e[2];
                    r.endMicros = Long.parseLong(e[3]);
                }
                case "abandoned" -> { }
                case "missed" -> missed++;
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
        return new DrillAnalysis(runs, landed, List.copyOf(outages), missed, history);
    }

    DrillResult result(String backend, long reads, long badReads, long readErrors, boolean servedAtEnd,
                       Duration ttl, Duration wall, int unexpectedExits, RestartContext restart) {
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
                if (hitByOutage(r)) {
                    continue; // counted with the restart figures
                }
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
        RestartFigures restarts = restart == null ? null : restartFigures(restart);
        return new DrillResult(backend, runs.size(), kills, killsByPhase, overlaps, monotonic, expected, recorded,
                afterPhasesRecorded, otherOutcomes, reads, badReads, readErrors, servedAtEnd, p50(recoveries),
                max(recoveries), ttl, wall, restarts);
    }

    private boolean hitByOutage(DrillRun r) {
        return outages.stream().anyMatch(o -> r.touches(o.downMicros(), o.upMicros()));
    }

    private RestartFigures restartFigures(RestartContext context) {
        Map<String, Integer> byKind = new TreeMap<>();
        Map<String, Integer> landedIn = new TreeMap<>();
        List<Long> down = new ArrayList<>();
        List<Long> toStart = new ArrayList<>();
        List<Long> toSuccess = new ArrayList<>();
        int notRecovered = 0;
        for (Outage o : outages) {
            byKind.merge(o.kind(), 1, Integer::sum);
            landedIn.merge(o.landedIn(), 1, Integer::sum);
            down.add(o.upMicros() - o.downMicros());
            runs.stream().filter(r -> r.scheduled() && r.startMicros > o.upMicros()).mapToLong(r -> r.startMicros)
                    .min().ifPresent(start -> toStart.add(start - o.upMicros()));
            long success = runs.stream().filter(r -> r.scheduled() && RunOutcome.SUCCEEDED.name().equals(r.outcome)
                    && r.endMicros > o.upMicros()).mapToLong(r -> r.endMicros).min().orElse(-1);
            if (success < 0 || success - o.upMicros() > RestartDrill.RECOVERY_BOUND.toNanos() / 1000) {
                notRecovered++;
                System.err.println("fault drill: no scheduled run succeeded within " + RestartDrill.RECOVERY_BOUND
                        + " after the " + o.kind() + " restart at " + o.upMicros() + " µs");
            } else {
                toSuccess.add(success - o.upMicros());
            }
        }
        Map<String, Integer> hitOutcomes = new TreeMap<>();
        for (DrillRun r : runs) {
            if (hitByOutage(r)) {
                hitOutcomes.merge(r.outcome == null ? "no-end-line" : r.outcome, 1, Integer::sum);
            }
        }
        List<DrillRun> imports = runs.stream().filter(DrillRun::imported)
                .sorted(Comparator.comparingLong(r -> r.importedMicros)).toList();
        boolean increasing = true;
        for (int i = 1; i < imports.size(); i++) {
            if (imports.get(i).fence <= imports.get(i - 1).fence) {
                increasing = false;
                System.err.println("fault drill: run " + imports.get(i).runId + " (fence " + imports.get(i).fence
                        + ") imported after run " + imports.get(i - 1).runId + " (fence " + imports.get(i - 1).fence + ")");
            }
        }
        long latest = imports.stream().mapToLong(r -> r.fence).max().orElse(-1);
        List<String> gaps = new ArrayList<>();
        int withoutOutcome = 0;
        for (DrillRun r : runs) {
            if (r.outcome == null) {
                continue;
            }
            Optional<RunReport> found = history.find(r.runId);
            if (found.map(f -> !f.outcome().name().equals(r.outcome)).orElse(true)) {
                withoutOutcome++;
                if (gaps.size() < 5) {
                    gaps.add(r.runId);
                }
                System.err.println("fault drill: run " + r.runId + " ended " + r.outcome + " but the history holds "
                        + found.map(f -> f.outcome().name()).orElse("no outcome"));
            }
        }
        return new RestartFigures(context.drill(), context.overlapsExpected(), outages.size(), byKind, landedIn,
                hitOutcomes, notRecovered, p50(down), max(down), p50(toStart), max(toStart), p50(toSuccess),
                max(toSuccess), imports.size(), increasing, latest == context.servedFence(), withoutOutcome, gaps,
                missed);
    }

    private static Duration p50(List<Long> micros) {
        List<Long> sorted = micros.stream().sorted().toList();
        return sorted.isEmpty() ? Duration.ZERO : Duration.ofNanos(sorted.get((sorted.size() - 1) / 2) * 1000);
    }

    private static Duration max(List<Long> micros) {
        return Duration.ofNanos(micros.stream().mapToLong(Long::longValue).max().orElse(0) * 1000);
    }
}
