package dev.pipelinesdk.benchmarks.drill;

import java.util.List;
import java.util.Locale;

/** Writes the fault drill's figures as {@code docs/reliability.md}. */
final class ReliabilityReport {
    private ReliabilityReport() {
    }

    static String markdown(List<DrillResult> results, FaultDrill.Settings s, String command, String machine) {
        StringBuilder md = new StringBuilder();
        md.append("# Reliability: fault drills\n\n")
                .append("The safety promises of DESIGN.md checked under crashes: no two runs of a pipeline work at")
                .append(" once, fencing tokens only grow, a killed run is recorded `abandoned` by the next holder,")
                .append(" and readers never see half-imported data.\n\n")
                .append("## Method\n\n")
                .append("- One PostgreSQL database (run history, schedules' schema, served tables). Sources generated")
                .append(" once (`StopsGenerator`, ").append(FaultDrill.STOPS).append(" stops); one complete import")
                .append(" in the drill process gives the *reference digest* of the served tables (`stop_matches`,")
                .append(" `stop_problems`: row counts and an md5 of the sorted rows). Every run imports the same")
                .append(" sources (`force(true)`), so after any complete import the tables must equal it.\n")
                .append("- ").append(s.workers()).append(" worker JVMs (`DrillWorker`) run the stops pipeline")
                .append(" (`download → match → problems → import`) in a loop against the same state backend and")
                .append(" database, each with its own data directory; lease TTL ").append(s.leaseTtl().toMillis())
                .append(" ms. Each appends its runs' events to a shared log (one `write` per line, `O_APPEND`).\n")
                .append("- The drill (seed ").append(s.seed()).append(") picks ")
                .append(Math.round(s.killShare() * 100)).append(" % of the started runs and SIGKILLs the worker")
                .append(" holding the run after a random delay from its first phase start, uniform over the typical run length (a moving average of the runs so far, 300 ms at first; so kills land in download, match,")
                .append(" problems, import/swap, or the run's final bookkeeping), then starts a replacement worker.")
                .append(" A chosen run that ends before its kill time is not killed. After the last run one more")
                .append(" run lets a run killed last be recorded by a next holder.\n")
                .append("- Meanwhile the drill reads the served digest every ~50 ms; a *bad read* is any digest")
                .append(" other than the reference (or the empty tables before the first import).\n")
                .append("- Checks: work intervals (lease taken .. end of the last phase, which is logged before the")
                .append(" lease is released; or .. the kill) never overlap; fencing tokens strictly increase in start")
                .append(" order; every run killed while a phase ran (its `running` status published) is in the run")
                .append(" history as `ABANDONED`; no bad read; the served tables equal the reference at the end.")
                .append(" Kills that land after the last phase (the final status may already be out) are counted")
                .append(" separately. Recovery = kill → next run's start (bounded below by the TTL: the dead")
                .append(" holder's lease has to expire).\n\n")
                .append("Machine: ").append(machine).append(".\n\n")
                .append("Command (after `mvn -B -q -pl benchmarks -am package -DskipTests`):\n\n```\n")
                .append(command).append("\n```\n\n")
                .append("The short version (30 runs per backend, half of them picked for a kill) runs in `mvn verify` as `FaultDrillTest` (~45 s).\n\n")
                .append("## Results\n");
        for (DrillResult r : results) {
            int after = r.killsByPhase().getOrDefault("after-phases", 0)
                    + r.killsByPhase().getOrDefault("before-phases", 0);
            md.append("\n### ").append(r.backend()).append(" state backend\n\n")
                    .append("| figure | value |\n|---|---|\n")
                    .append(row("runs started (killed ones included)", r.runs()))
                    .append(row("kills (SIGKILL while holding the run)", r.kills()))
                    .append(row("kills by where they landed", r.killsByPhase()))
                    .append(row("overlapping work intervals", r.overlaps()))
                    .append(row("fencing tokens strictly increasing", r.fencesMonotonic() ? "yes" : "**no**"))
                    .append(row("killed in a phase: recorded `ABANDONED` / killed",
                            r.abandonedRecorded() + " / " + r.abandonedExpected()))
                    .append(row("killed after the last phase: in the history / killed",
                            r.afterPhasesRecorded() + " / " + after))
                    .append(row("runs not killed that did not succeed", r.otherOutcomes().isEmpty() ? "none"
                            : r.otherOutcomes()))
                    .append(row("served reads (bad / failed queries)", r.servedReads() + " (" + r.badServedReads()
                            + " / " + r.servedReadErrors() + ")"))
                    .append(row("served tables = reference at the end", r.servedAtEnd() ? "yes" : "**no**"))
                    .append(row("recovery, kill → next start: p50 / max", String.format(Locale.ROOT,
                            "%d ms / %d ms (TTL %d ms)", r.recoveryP50().toMillis(), r.recoveryMax().toMillis(),
                            r.leaseTtl().toMillis())))
                    .append(row("drill wall time", r.wallTime().toSeconds() + " s"))
                    .append(row("verdict", r.passed() ? "all promises held" : "**a promise was broken**"));
        }
        return md.toString();
    }

    private static String row(String name, Object value) {
        return "| " + name + " | " + value + " |\n";
    }
}
