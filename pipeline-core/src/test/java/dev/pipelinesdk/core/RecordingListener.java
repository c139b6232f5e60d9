package dev.pipelinesdk.core;

import dev.pipelinesdk.api.PhaseReport;
import dev.pipelinesdk.api.PipelineListener;
import dev.pipelinesdk.api.RunInfo;
import dev.pipelinesdk.api.RunReport;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records listener events as readable strings. */
final class RecordingListener implements PipelineListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<RunReport> abandoned = new CopyOnWriteArrayList<>();

    @Override
    public void onRunStarted(RunInfo run) {
        events.add("run-started " + run.phases());
    }

    @Override
    public void onPhaseStarted(RunInfo run, String phase, int index) {
        events.add("phase-started " + phase + " " + index);
    }

    @Override
    public void onPhaseFinished(RunInfo run, PhaseReport report) {
        events.add("phase-finished " + report.name() + " " + report.outcome());
    }

    @Override
    public void onRunFinished(RunReport report) {
        events.add("run-finished " + report.outcome());
    }

    @Override
    public void onRunAbandoned(RunReport report) {
        abandoned.add(report);
        events.add("run-abandoned " + report.runId());
    }
}
