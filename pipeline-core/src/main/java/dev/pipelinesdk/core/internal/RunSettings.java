package dev.pipelinesdk.core.internal;

import dev.pipelinesdk.api.PipelineListener;
import dev.pipelinesdk.api.StateBackend;
import dev.pipelinesdk.core.EtaEstimator;
import dev.pipelinesdk.core.RunHistory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Everything a run needs from its runner. Not part of the public API.
 *
 * @param backend         leases and status
 * @param history         run records and typical durations
 * @param eta             the ETA estimator
 * @param listeners       run callbacks
 * @param clock           wall time for timestamps
 * @param leaseTtl        lease time-to-live
 * @param publishInterval the least time between two progress publishes
 * @param heartbeat       the most time between two publishes while running
 * @param cancelGrace     how long a stopping phase gets before interrupt, and again after it
 * @param workRoot        where per-run directories are made
 * @param nodeId          this process (host/pid)
 * @param leaseTimer      the timer thread that schedules lease renewals and their deadlines
 * @param renewals        the pool that performs lease renewals (they may block on the store)
 * @param publishTimer    the timer thread that flushes progress
 * @param historyCalls    the thread for history calls off the run's path: starts, liveness, reports
 *                        refused before, runs recorded from their final status, re-reads of the
 *                        typical durations (a slow history never delays lease renewals or status
 *                        publishing)
 * @param phaseThreads    the pool whose threads run phase attempts (reused from run to run)
 * @param typical         the typical phase durations, read from the history and kept a while
 * @param reports         which runs this runner recorded, and the reports the history refused
 */
public record RunSettings(StateBackend backend, RunHistory history, EtaEstimator eta,
                          List<PipelineListener> listeners, Clock clock, Duration leaseTtl,
                          Duration publishInterval, Duration heartbeat, Duration cancelGrace, Path workRoot,
                          String nodeId, ScheduledExecutorService leaseTimer, ExecutorService renewals,
                          ScheduledExecutorService publishTimer, ExecutorService historyCalls,
                          ExecutorService phaseThreads, TypicalDurations typical,
                          ReportBacklog reports) {
}
