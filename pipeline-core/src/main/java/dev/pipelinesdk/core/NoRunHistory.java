package dev.pipelinesdk.core;

import dev.pipelinesdk.api.RunReport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The history that keeps nothing. */
final class NoRunHistory implements RunHistory {
    static final NoRunHistory INSTANCE = new NoRunHistory();

    private NoRunHistory() {
    }

    @Override
    public void record(RunReport report) {
    }

    @Override
    public Optional<RunReport> find(String runId) {
        return Optional.empty();
    }

    @Override
    public List<RunReport> recent(String pipeline, int limit) {
        return List.of();
    }

    @Override
    public Map<String, Duration> typicalPhaseDurations(String pipeline) {
        return Map.of();
    }
}
