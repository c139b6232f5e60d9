package dev.pipelinesdk.core.internal;

import dev.pipelinesdk.api.PhaseReport;
import dev.pipelinesdk.api.PipelineListener;
import dev.pipelinesdk.api.RunInfo;
import dev.pipelinesdk.api.RunReport;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls every listener, logging and swallowing what they throw, so that no listener affects a run. */
final class Listeners {
    private static final Logger log = LoggerFactory.getLogger(Listeners.class);

    private final List<PipelineListener> listeners;

    Listeners(List<PipelineListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    void runStarted(RunInfo run) {
        each("onRunStarted", l -> l.onRunStarted(run));
    }

    void phaseStarted(RunInfo run, String phase, int index) {
        each("onPhaseStarted", l -> l.onPhaseStarted(run, phase, index));
    }

    void phaseFinished(RunInfo run, PhaseReport report) {
        each("onPhaseFinished", l -> l.onPhaseFinished(run, report));
    }

    void runFinished(RunReport report) {
        each("onRunFinished", l -> l.onRunFinished(report));
    }

    void runAbandoned(RunReport report) {
        each("onRunAbandoned", l -> l.onRunAbandoned(report));
    }

    private void each(String callback, Consumer<PipelineListener> call) {
        for (PipelineListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (Exception | LinkageError | AssertionError e) {
                log.warn("Listener {} threw from {}; ignoring it", listener.getClass().getName(), callback, e);
            }
        }
    }
}
