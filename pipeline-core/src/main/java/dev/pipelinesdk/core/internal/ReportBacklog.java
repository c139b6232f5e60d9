package dev.pipelinesdk.core.internal;

import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.core.RunHistory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one runner knows about its reports: the run of each pipeline it last recorded, and the
 * reports the history refused (a database outage), which are recorded later, on the history
 * thread, when the next run starts and when the runner closes; a report refused
 * {@value #MAX_TRIES} times is given up. Reports wait in memory only: of those still waiting when
 * the process ends, the pipeline's last run is completed from its final status by the next run
 * ({@link RunHistory#recordIfUnrecorded}); earlier ones stay without an outcome. Not part of the
 * public API.
 */
public final class ReportBacklog {
    private static final Logger log = LoggerFactory.getLogger(ReportBacklog.class);

    /** The most reports kept waiting; the oldest are given up beyond it. */
    static final int MAX_WAITING = 1000;

    private final Map<String, String> lastRecorded = new ConcurrentHashMap<>();
    /** How often a waiting report is tried again before it is given up (a report the history never takes). */
    static final int MAX_TRIES = 10;

    private final Map<String, RunReport> waiting = new LinkedHashMap<>(); // by run id, oldest first; guarded by this
    private final Map<String, Integer> tries = new ConcurrentHashMap<>();

    /** @param report a report the history took when its run ended */
    void recorded(RunReport report) {
        lastRecorded.put(report.pipeline(), report.runId());
        synchronized (this) {
            waiting.remove(report.runId());
        }
    }

    /**
     * @param runId a run id
     * @return whether that run's report waits to be recorded
     */
    synchronized boolean isWaiting(String runId) {
        return waiting.containsKey(runId);
    }

    /** @param report a report the history refused */
    synchronized void refused(RunReport report) {
        waiting.put(report.runId(), report);
        if (waiting.size() > MAX_WAITING) {
            Iterator<RunReport> oldest = waiting.values().iterator();
            RunReport dropped = oldest.next();
            oldest.remove();
            tries.remove(dropped.runId());
            log.warn("Giving up recording run {} of '{}': {} newer reports are waiting for the run history",
                    dropped.runId(), dropped.pipeline(), MAX_WAITING);
        }
    }

    /**
     * @param pipeline a pipeline's name
     * @return the id of its run this runner last recorded, or {@code null}
     */
    String lastRecorded(String pipeline) {
        return lastRecorded.get(pipeline);
    }

    /**
     * Records the waiting reports, oldest first, on the executor; stops at the first refusal (the
     * history is still down) and leaves the rest waiting.
     *
     * @param history  the history
     * @param executor the history thread
     */
    public void retry(RunHistory history, Executor executor) {
        synchronized (this) {
            if (waiting.isEmpty()) {
                return;
            }
        }
        try {
            executor.execute(() -> recordWaiting(history));
        } catch (RejectedExecutionException e) {
            log.debug("Runner closed; {} reports not recorded", waitingCount());
        }
    }

    private void recordWaiting(RunHistory history) {
        List<RunReport> reports;
        synchronized (this) {
            reports = new ArrayList<>(waiting.values());
        }
        for (RunReport report : reports) {
            try {
                history.record(report);
                log.info("Recorded run {} of '{}' ({}) now that the run history takes reports again", report.runId(),
                        report.pipeline(), report.outcome().wireName());
            } catch (RuntimeException e) {
                int tried = tries.merge(report.runId(), 1, Integer::sum);
                if (tried < MAX_TRIES) {
                    log.warn("The run history still refuses the report of run {} of '{}' ({} waiting): {}",
                            report.runId(), report.pipeline(), reports.size(), e.getMessage());
                    return; // most likely still down: the others wait too
                }
                log.error("Giving up recording run {} of '{}' after {} refusals: {}", report.runId(), report.pipeline(),
                        tried, e.getMessage());
            }
            synchronized (this) {
                waiting.remove(report.runId());
            }
            tries.remove(report.runId());
        }
    }

    /** @return how many reports wait */
    public synchronized int waitingCount() {
        return waiting.size();
    }
}
