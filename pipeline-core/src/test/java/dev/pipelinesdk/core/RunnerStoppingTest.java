package dev.pipelinesdk.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelinesdk.api.Lease;
import dev.pipelinesdk.api.testing.Await;
import dev.pipelinesdk.api.Phase;
import dev.pipelinesdk.api.PhaseOutcome;
import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.RunState;
import dev.pipelinesdk.api.Trigger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RunnerStoppingTest {

    @TempDir
    Path work;

    private final FaultyBackend backend = new FaultyBackend();
    private final List<String> ran = new CopyOnWriteArrayList<>();
    private final CountDownLatch started = new CountDownLatch(1);
    private PipelineRunner runner;

    @BeforeEach
    void start() {
        runner = runner(Duration.ofSeconds(30), Duration.ofMillis(200));
    }

    private PipelineRunner runner(Duration ttl, Duration grace) {
        return PipelineRunner.builder(backend).leaseTtl(ttl).cancelGrace(grace).workDirectory(work).build();
    }

    @AfterEach
    void close() {
        runner.close();
    }

    /** A phase that works in small steps until it is cancelled, as a well-behaved phase does. */
    private Phase cooperative(String name) {
        return Phase.of(name, ctx -> {
            ran.add(name);
            started.countDown();
            while (true) {
                ctx.throwIfCancelled();
                busyWait(2);
            }
        });
    }

    private static void busyWait(long millis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    private Pipeline withAfter(Phase first, Duration timeout) {
        return Pipeline.builder("stops")
                .phase(first, timeout)
                .phase(Phase.of("import", ctx -> ran.add("import")))
                .build();
    }

    @Test
    void runOnce_phaseExceedsTimeout_cooperativeStop_timedOutAndLaterPhasesSkipped() {
        RunReport report = runner.runOnce(withAfter(cooperative("match"), Duration.ofMillis(100)));

        assertThat(report.outcome()).isEqualTo(RunOutcome.TIMED_OUT);
        assertThat(report.error().type()).isEqualTo("Timeout");
        assertThat(report.error().phase()).isEqualTo("match");
        assertThat(report.error().message()).contains("100 ms");
        assertThat(report.phase("match").orElseThrow().outcome()).isEqualTo(PhaseOutcome.TIMED_OUT);
        assertThat(ran).containsExactly("match");
        PipelineStatus status = backend.readStatus("stops").orElseThrow();
        assertThat(status.state()).isEqualTo(RunState.TIMED_OUT);
        assertThat(status.error().type()).isEqualTo("Timeout");
        assertThat(backend.currentHolder("stops")).isEmpty();
    }

    @Test
    void runOnce_phaseIgnoresCancelButHonoursInterrupt_timedOut() {
        AtomicBoolean interrupted = new AtomicBoolean();
        Phase sleeper = Phase.of("download", ctx -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
        });

        RunReport report = runner.runOnce(withAfter(sleeper, Duration.ofMillis(50)));

        assertThat(report.outcome()).isEqualTo(RunOutcome.TIMED_OUT);
        assertThat(interrupted).isTrue();
        assertThat(ran).isEmpty();
    }

    @Test
    void runOnce_phaseIgnoresCancelAndInterrupt_runnerGivesUpAfterGrace() {
        CountDownLatch letGo = new CountDownLatch(1);
        Phase stubborn = Phase.of("download", ctx -> {
            while (letGo.getCount() > 0) {
                Thread.interrupted(); // swallows the interrupt, as badly written code does
                busyWait(1);
            }
        });

        RunReport report = runner.runOnce(withAfter(stubborn, Duration.ofMillis(50)));

        assertThat(report.outcome()).isEqualTo(RunOutcome.TIMED_OUT);
        assertThat(ran).isEmpty();
        assertThat(backend.currentHolder("stops")).as("the stuck phase keeps the lease: no second holder beside it")
                .contains(report.runId());
        assertThat(runner.runOnce(withAfter(stubborn, Duration.ofMillis(50))).outcome())
                .isEqualTo(RunOutcome.ALREADY_RUNNING);

        letGo.countDown();
        Await.until(() -> backend.currentHolder("stops").isEmpty(), "the lease to be released once the phase ends");
    }

    @Test
    void cancel_stopsTheRunningPhase_runIsCancelledAndLeaseReleased() throws Exception {
        CompletableFuture<RunReport> future = CompletableFuture.supplyAsync(
                () -> runner.runOnce(withAfter(cooperative("match"), Duration.ofMinutes(1))));
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();

        assertThat(runner.cancel("stops", "operator asked to stop")).isTrue();
        RunReport report = future.get(20, TimeUnit.SECONDS);

        assertThat(report.outcome()).isEqualTo(RunOutcome.CANCELLED);
        assertThat(report.error().type()).isEqualTo("Cancelled");
        assertThat(report.error().message()).isEqualTo("operator asked to stop");
        assertThat(ran).containsExactly("match");
        assertThat(backend.readStatus("stops").orElseThrow().state()).isEqualTo(RunState.CANCELLED);
        assertThat(backend.currentHolder("stops")).isEmpty();
        assertThat(runner.cancel("stops", "again")).as("no run left to cancel").isFalse();
    }

    @Test
    void runOnce_callerThreadInterrupted_runIsCancelledAndInterruptFlagKept() throws Exception {
        AtomicReference<RunReport> report = new AtomicReference<>();
        AtomicBoolean flagKept = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            report.set(runner.runOnce(withAfter(cooperative("match"), Duration.ofMinutes(1))));
            flagKept.set(Thread.currentThread().isInterrupted());
        });
        caller.start();
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();

        caller.interrupt();
        caller.join(20_000);

        assertThat(caller.isAlive()).isFalse();
        assertThat(report.get().outcome()).isEqualTo(RunOutcome.CANCELLED);
        assertThat(flagKept).isTrue();
    }

    @Test
    void runOnce_leaseTakenOverMidRun_leaseLostAndNoLaterPhase() throws Exception {
        runner.close();
        runner = runner(Duration.ofMillis(600), Duration.ofMillis(100));
        CompletableFuture<RunReport> future = CompletableFuture.supplyAsync(
                () -> runner.runOnce(withAfter(cooperative("match"), Duration.ofMinutes(1))));
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();

        backend.renewRefused = true;
        RunReport report = future.get(20, TimeUnit.SECONDS);

        assertThat(report.outcome()).isEqualTo(RunOutcome.LEASE_LOST);
        assertThat(report.error().type()).isEqualTo("LeaseLost");
        assertThat(report.phase("match").orElseThrow().outcome()).isEqualTo(PhaseOutcome.CANCELLED);
        assertThat(ran).containsExactly("match");
        PipelineStatus status = backend.readStatus("stops").orElseThrow();
        assertThat(status.state()).as("no one took over, so the run may still say what happened")
                .isEqualTo(RunState.CANCELLED);
        assertThat(status.error().type()).isEqualTo("LeaseLost");
    }

    @Test
    void runOnce_renewalsKeepFailing_runStopsBeforeAnotherOwnerCanTakeTheLease() throws Exception {
        Duration ttl = Duration.ofSeconds(3);
        runner.close();
        runner = runner(ttl, Duration.ofMillis(200));
        AtomicBoolean cancelSeen = new AtomicBoolean();
        AtomicBoolean cancelSeenBeforeTakeover = new AtomicBoolean();
        AtomicBoolean takenOver = new AtomicBoolean();
        Phase watchful = Phase.of("match", ctx -> {
            started.countDown();
            while (!ctx.isCancelled()) {
                busyWait(1);
            }
            cancelSeenBeforeTakeover.set(!takenOver.get());
            cancelSeen.set(true);
        });
        CompletableFuture<RunReport> future = CompletableFuture.supplyAsync(
                () -> runner.runOnce(withAfter(watchful, Duration.ofMinutes(1))));
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();

        backend.renewThrows = true;
        // another node keeps trying to take the lease directly from the store
        Lease other = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (other == null && System.nanoTime() < deadline) {
            Optional<Lease> l = backend.inner.tryAcquire("stops", "other-node", Duration.ofMinutes(1));
            if (l.isPresent()) {
                takenOver.set(true);
                other = l.get();
            }
            Thread.sleep(1);
        }
        RunReport report = future.get(20, TimeUnit.SECONDS);

        assertThat(other).as("the other node got the lease once it expired").isNotNull();
        assertThat(report.outcome()).isEqualTo(RunOutcome.LEASE_LOST);
        assertThat(report.error().message()).contains("could not renew lease");
        assertThat(cancelSeen).isTrue();
        assertThat(cancelSeenBeforeTakeover).as("the phase was told to stop before the lease could pass on").isTrue();
        assertThat(other.fencingToken()).isGreaterThan(report.fencingToken());
        assertThat(backend.inner.currentHolder("stops")).contains("other-node");
        assertThat(ran).as("the import never ran").isEmpty();
    }

    @Test
    void runOnce_leaseLostAndAnotherRunTookOver_doesNotOverwriteItsStatus() throws Exception {
        runner.close();
        runner = runner(Duration.ofMillis(600), Duration.ofMillis(100));
        CountDownLatch otherPublished = new CountDownLatch(1);
        Phase phase = Phase.of("match", ctx -> {
            started.countDown();
            otherPublished.await(20, TimeUnit.SECONDS);
            while (!ctx.isCancelled()) {
                busyWait(1);
            }
        });
        CompletableFuture<RunReport> future = CompletableFuture.supplyAsync(
                () -> runner.runOnce(withAfter(phase, Duration.ofMinutes(1))));
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
        PipelineStatus theirs = PipelineStatus.builder("stops").runId("their-run").state(RunState.RUNNING)
                .trigger(Trigger.SCHEDULED).mode(RunMode.full()).build();
        backend.publishStatus(theirs);
        otherPublished.countDown();

        backend.renewRefused = true;
        RunReport report = future.get(20, TimeUnit.SECONDS);

        assertThat(report.outcome()).isEqualTo(RunOutcome.LEASE_LOST);
        assertThat(backend.readStatus("stops")).contains(theirs);
    }
}
