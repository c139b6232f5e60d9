package dev.pipelinesdk.core;

import dev.pipelinesdk.api.PhaseOutcome;
import dev.pipelinesdk.api.PhaseReport;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link RunHistory} in memory, for tests and for hosts that need no durable record. Keeps the
 * newest {@code capacity} runs of each pipeline. Thread-safe.
 */
public final class InMemoryRunHistory implements RunHistory {

    /** How many recent successful runs the typical phase duration is the median of. */
    public static final int TYPICAL_DURATION_SAMPLE = 10;

    private final int capacity;
    private final Map<String, List<RunReport>> byPipeline = new HashMap<>();
    private final Map<String, RunReport> byId = new HashMap<>();

    /** A history keeping the newest 1000 runs of each pipeline. */
    public InMemoryRunHistory() {
        this(1000);
    }

    /** @param capacity runs kept per pipeline (≥ 1) */
    public InMemoryRunHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    @Override
    public synchronized void record(RunReport report) {
        Objects.requireNonNull(report, "report");
        RunReport before = byId.get(report.runId());
        if (before != null) {
            if (before.outcome() == RunOutcome.ABANDONED && report.outcome() != RunOutcome.ABANDONED) {
                // the run's own report arrived after another run judged it abandoned: it wins
                List<RunReport> runs = byPipeline.get(before.pipeline());
                runs.set(runs.indexOf(before), report);
                byId.put(report.runId(), report);
            }
            return;
        }
        List<RunReport> runs = byPipeline.computeIfAbsent(report.pipeline(), k -> new ArrayList<>());
        runs.add(report);
        byId.put(report.runId(), report);
        if (runs.size() > capacity) {
            byId.remove(runs.remove(0).runId());
        }
    }

    @Override
    public synchronized Optional<RunReport> find(String runId) {
        return Optional.ofNullable(byId.get(runId));
    }

    @Override
    public synchronized List<RunReport> recent(String pipeline, int limit) {
        List<RunReport> runs = byPipeline.getOrDefault(pipeline, List.of());
        List<RunReport> out = new ArrayList<>();
        for (int i = runs.size() - 1; i >= 0 && out.size() < limit; i--) {
            out.add(runs.get(i));
        }
        return out;
    }

    @Override
    public synchronized Map<String, Duration> typicalPhaseDurations(String pipeline) {
        Map<String, List<Duration>> samples = new LinkedHashMap<>();
        List<RunReport> runs = byPipeline.getOrDefault(pipeline, List.of());
        // the last TYPICAL_DURATION_SAMPLE successful runs, as JdbcRunHistory counts them: a full
        // history costs no more than a short one
        int successes = 0;
        for (int i = runs.size() - 1; i >= 0 && successes < TYPICAL_DURATION_SAMPLE; i--) {
            RunReport run = runs.get(i);
            if (run.outcome() != RunOutcome.SUCCEEDED) {
                continue;
            }
            successes++;
            for (PhaseReport phase : run.phases()) {
                List<Duration> list = samples.computeIfAbsent(phase.name(), k -> new ArrayList<>());
                if (phase.outcome() == PhaseOutcome.SUCCEEDED) {
                    list.add(phase.duration());
                }
            }
        }
        Map<String, Duration> medians = new LinkedHashMap<>();
        samples.forEach((phase, list) -> {
            if (!list.isEmpty()) {
                medians.put(phase, median(list));
            }
        });
        return medians;
    }

    /** @return the median; the mean of the two middle values for an even count */
    static Duration median(List<Duration> values) {
        List<Duration> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : sorted.get(n / 2 - 1).plus(sorted.get(n / 2)).dividedBy(2);
    }
}
