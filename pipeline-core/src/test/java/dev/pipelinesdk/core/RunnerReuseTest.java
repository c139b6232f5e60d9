package dev.pipelinesdk.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelinesdk.api.Phase;
import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.testing.Await;
import dev.pipelinesdk.api.testing.MutableClock;
import dev.pipelinesdk.api.PhaseOutcome;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What the runner keeps between runs: the phase threads and the typical phase durations. */
@Timeout(60)
class RunnerReuseTest {

    @TempDir
    Path work;

    @Test
    void phaseThreadsAreReusedAfterTimedOutAttemptsNamedAfterThePhaseAndRenamedAfterwards() throws Exception {
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        List<String> names = new CopyOnWriteArrayList<>();
        Pipeline quick = Pipeline.builder("quick").phase(Phase.of("a", ctx -> {
            threads.add(Thread.currentThread());
            names.add(Thread.currentThread().getName());
        })).build();
        // times out, is interrupted, and restores its interrupt flag before returning, as well-behaved code does
        Pipeline interrupted = Pipeline.builder("interrupted").phase(Phase.of("slow", ctx -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }), Duration.ofMillis(50)).build();

        try (PipelineRunner runner = PipelineRunner.builder(new InMemoryStateBackend()).leaseTtl(Duration.ofSeconds(3))
                .cancelGrace(Duration.ofMillis(250)).workDirectory(work).build()) {
            for (int i = 0; i < 10; i++) {
                RunReport timedOut = runner.runOnce(interrupted);
                assertThat(timedOut.outcome()).isEqualTo(RunOutcome.TIMED_OUT);
                assertThat(timedOut.phases().get(0).outcome()).isEqualTo(PhaseOutcome.TIMED_OUT);
                assertThat(runner.runOnce(quick).outcome()).isEqualTo(RunOutcome.SUCCEEDED);
            }
            assertThat(names).hasSize(10).containsOnly("pipeline-quick-a-1");
            // 20 attempts one after the other, each begun well after the one before ended: a fresh
            // thread per attempt would give the quick phase 10 different threads
            assertThat(threads.size()).isLessThan(10);
            for (Thread t : threads) {
                Await.until(() -> t.getName().startsWith("pipeline-phase-"), "thread " + t + " renamed for the pool");
            }
        }
    }

    @Test
    void eachRunWeighsWithTheDurationsOfEveryEarlierRunWithoutReadingTheHistoryOnItsOwnPath() {
        CountingHistory history = new CountingHistory(new InMemoryRunHistory());
        InMemoryStateBackend backend = new InMemoryStateBackend();
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T02:00:00Z"));
        List<Long> seconds = List.of(10L, 20L, 30L);
        List<Long> etaAtStart = new CopyOnWriteArrayList<>();
        AtomicInteger run = new AtomicInteger();
        Pipeline pipeline = Pipeline.builder("weighed").phase(Phase.of("work", ctx -> {
            PipelineStatus live = backend.readStatus("weighed").orElseThrow();
            etaAtStart.add(live.etaMs() == null ? -1 : live.etaMs());
            clock.advance(Duration.ofSeconds(seconds.get(run.get())));
        })).build();
        try (PipelineRunner runner = PipelineRunner.builder(backend).history(history).clock(clock)
                .workDirectory(work).build()) {
            for (int i = 0; i < seconds.size(); i++) {
                run.set(i);
                assertThat(runner.runOnce(pipeline).outcome()).isEqualTo(RunOutcome.SUCCEEDED);
            }
        }
        // no ETA without history, then the first run's 10 s, then the median of 10 s and 20 s
        assertThat(etaAtStart).containsExactly(-1L, 10_000L, 15_000L);
        // the first run read them itself (nothing kept yet); runs 2 and 3 found them read in the
        // background after the run before; close() waited for the read after run 3
        assertThat(history.callerReads.get()).isEqualTo(1);
        assertThat(history.backgroundReads.get()).isEqualTo(3);
    }

    @Test
    void reportsTheHistoryRefusedAreRecordedWhenALaterRunStarts() {
        InMemoryRunHistory real = new InMemoryRunHistory();
        AtomicBoolean down = new AtomicBoolean(true);
        RunHistory outage = new CountingHistory(real) {
            @Override
            public void record(RunReport report) {
                if (down.get()) {
                    throw new IllegalStateException("run history unreachable (test outage)");
                }
                super.record(report);
            }
        };
        Pipeline pipeline = Pipeline.builder("backlog").phase(Phase.of("load", ctx -> ctx.count("rows", 5))).build();
        try (PipelineRunner runner = PipelineRunner.builder(new InMemoryStateBackend()).history(outage)
                .workDirectory(work).build()) {
            RunReport first = runner.runOnce(pipeline);
            RunReport second = runner.runOnce(pipeline);
            assertThat(first.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
            assertThat(real.find(first.runId())).isEmpty();

            down.set(false);
            RunReport third = runner.runOnce(pipeline);

            Await.until(() -> real.find(first.runId()).isPresent() && real.find(second.runId()).isPresent(),
                    "the refused reports recorded");
            assertThat(real.find(first.runId())).contains(first); // the whole report, phases and counters included
            assertThat(real.find(second.runId())).contains(second);
            assertThat(real.find(third.runId())).contains(third);
        }
    }

    /** Counts which threads read the typical durations, and what the run's own thread got. */
    private static class CountingHistory implements RunHistory {
        private final RunHistory delegate;
        final AtomicInteger callerReads = new AtomicInteger();
        final AtomicInteger backgroundReads = new AtomicInteger();

        CountingHistory(RunHistory delegate) {
            this.delegate = delegate;
        }

        @Override
        public void record(RunReport report) {
            delegate.record(report);
        }

        @Override
        public java.util.Optional<RunReport> find(String runId) {
            return delegate.find(runId);
        }

        @Override
        public List<RunReport> recent(String pipeline, int limit) {
            return delegate.recent(pipeline, limit);
        }

        @Override
        public Map<String, Duration> typicalPhaseDurations(String pipeline) {
            Map<String, Duration> durations = delegate.typicalPhaseDurations(pipeline);
            if (Thread.currentThread().getName().startsWith("pipeline-history")) {
                backgroundReads.incrementAndGet();
            } else {
                callerReads.incrementAndGet();
            }
            return durations;
        }
    }
}
