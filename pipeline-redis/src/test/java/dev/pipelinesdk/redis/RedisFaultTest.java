package dev.pipelinesdk.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelinesdk.api.testing.Await;
import dev.pipelinesdk.api.Lease;
import dev.pipelinesdk.api.Phase;
import dev.pipelinesdk.api.PipelineListener;
import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.RunState;
import dev.pipelinesdk.api.StateBackendException;
import dev.pipelinesdk.core.InMemoryRunHistory;
import dev.pipelinesdk.core.Pipeline;
import dev.pipelinesdk.core.PipelineRunner;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults against a real redis-server process, driven through {@link PipelineRunner}: Redis
 * unreachable, stopped mid-run, restarted empty mid-run, and status publishes failing while the
 * lease survives.
 */
class RedisFaultTest {

    private static final String PIPELINE = "stops";
    private static final Duration TTL = Duration.ofSeconds(6);

    @TempDir
    Path tmp;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void cleanUp() throws Exception {
        pool.shutdownNow();
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closeables.add(c);
        return c;
    }

    private RedisStateBackend backend(String url, Duration commandTimeout) {
        return closeLater(RedisStateBackend.builder(url).connectTimeout(Duration.ofSeconds(1))
                .commandTimeout(commandTimeout).build());
    }

    private RedisServerProcess server() throws Exception {
        return closeLater(RedisServerProcess.start(tmp.resolve("redis")));
    }

    // ---- unreachable -------------------------------------------------------------------------

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void unreachableRedis_acquireFailsNamingHostAndPort_andTheNextCallConnectsOnceItIsUp() throws Exception {
        int port = RedisServerProcess.freePort();
        RedisStateBackend backend = backend("redis://127.0.0.1:" + port, Duration.ofSeconds(1));
        PipelineRunner runner = closeLater(PipelineRunner.builder(backend).build());

        long start = System.nanoTime();
        assertThatThrownBy(() -> backend.tryAcquire(PIPELINE, "owner-a", TTL))
                .isInstanceOf(StateBackendException.class)
                .hasMessageContaining("127.0.0.1:" + port)
                .hasMessageContaining("Connection refused");
        assertThatThrownBy(() -> runner.runOnce(quickPipeline()))
                .as("not ALREADY_RUNNING: the runner cannot know").isInstanceOf(StateBackendException.class)
                .hasMessageContaining("127.0.0.1:" + port);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

        closeLater(RedisServerProcess.startOn(tmp.resolve("redis"), port, null));
        RunReport report = runner.runOnce(quickPipeline());
        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void serverThatNeverAnswers_failsWithinTheTimeouts_namingHostAndPort() throws Exception {
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            int port = silent.getLocalPort();
            List<Socket> accepted = new ArrayList<>();
            Future<?> acceptor = pool.submit(() -> {
                while (!silent.isClosed()) {
                    Socket s = silent.accept(); // and never answer
                    synchronized (accepted) {
                        accepted.add(s);
                    }
                }
                return null;
            });
            RedisStateBackend backend = backend("redis://127.0.0.1:" + port, Duration.ofMillis(800));

            long start = System.nanoTime();
            assertThatThrownBy(() -> backend.tryAcquire(PIPELINE, "owner-a", TTL))
                    .isInstanceOf(StateBackendException.class)
                    .hasMessageContaining("127.0.0.1:" + port);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

            RedisStateBackend tls = backend("rediss://127.0.0.1:" + port, Duration.ofMillis(800));
            assertThatThrownBy(() -> tls.readStatus(PIPELINE))
                    .isInstanceOf(StateBackendException.class)
                    .hasMessageContaining("127.0.0.1:" + port).hasMessageContaining("TLS");
            acceptor.cancel(true);
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }

    // ---- stopped mid-run ---------------------------------------------------------------------

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void redisStoppedMidRun_runEndsLeaseLostBeforeTheTtl_andIsNotReRecordedAsAbandoned() throws Exception {
        RedisServerProcess server = server();
        RedisStateBackend backend = backend(server.url(), Duration.ofSeconds(1));
        InMemoryRunHistory history = new InMemoryRunHistory();
        AtomicInteger abandoned = new AtomicInteger();
        PipelineRunner runner = closeLater(PipelineRunner.builder(backend).leaseTtl(TTL).cancelGrace(Duration.ofSeconds(1))
                .publishInterval(Duration.ofMillis(50)).history(history)
                .listener(new PipelineListener() {
                    @Override
                    public void onRunAbandoned(RunReport report) {
                        abandoned.incrementAndGet();
                    }
                }).build());
        BlockingPhase blocking = new BlockingPhase();
        Future<RunReport> first = pool.submit(() -> runner.runOnce(blocking.pipeline()));
        assertThat(blocking.started.await(20, TimeUnit.SECONDS)).isTrue();
        Await.until(Duration.ofSeconds(10), "running status in Redis",
                () -> backend.readStatus(PIPELINE).map(s -> s.state() == RunState.RUNNING).orElse(false));

        server.save(); // the restarted server will still say "running" and hold the lock for a while
        server.kill();
        long stoppedAt = System.nanoTime();

        RunReport report = first.get(30, TimeUnit.SECONDS);
        assertThat(report.outcome()).isEqualTo(RunOutcome.LEASE_LOST);
        assertThat(report.error().type()).isEqualTo("LeaseLost");
        assertThat(Duration.ofNanos(blocking.cancelSeenAt.get() - stoppedAt))
                .as("the phase must stop before the lease could pass to another node")
                .isLessThan(TTL);

        server.start();
        // the snapshot still says "running"; the runner retries the final document until Redis is back
        PipelineStatus recorded = Await.result(Duration.ofSeconds(20), "the lost run's final status in Redis",
                () -> backend.readStatus(PIPELINE).filter(s -> s.state() != RunState.RUNNING).orElseThrow());
        assertThat(recorded.runId()).isEqualTo(report.runId());
        assertThat(recorded.state()).isEqualTo(RunState.CANCELLED);
        assertThat(recorded.error().type()).isEqualTo("LeaseLost");
        RunReport second = awaitRun(runner, blocking.pipeline(), Duration.ofSeconds(20));

        assertThat(second.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
        assertThat(second.fencingToken()).isGreaterThan(report.fencingToken());
        assertThat(history.find(report.runId())).map(RunReport::outcome).contains(RunOutcome.LEASE_LOST);
        assertThat(history.recent(PIPELINE, 10)).extracting(RunReport::outcome)
                .doesNotContain(RunOutcome.ABANDONED);
        assertThat(abandoned.get()).isZero();
        assertThat(backend.readStatus(PIPELINE)).map(PipelineStatus::runId).contains(second.runId());
    }

    // ---- restarted empty mid-run -------------------------------------------------------------

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void redisRestartedEmptyMidRun_runEndsLeaseLost_andAnotherNodeAcquiresWithAHigherFence() throws Exception {
        RedisServerProcess server = server();
        RedisStateBackend backend = backend(server.url(), Duration.ofSeconds(1));
        PipelineRunner runner = closeLater(PipelineRunner.builder(backend).leaseTtl(TTL).cancelGrace(Duration.ofSeconds(1))
                .publishInterval(Duration.ofMillis(50)).build());
        BlockingPhase blocking = new BlockingPhase();
        Future<RunReport> first = pool.submit(() -> runner.runOnce(blocking.pipeline()));
        assertThat(blocking.started.await(20, TimeUnit.SECONDS)).isTrue();
        long firstFence = blocking.fence.get();

        server.kill();
        server.forgetSnapshot();
        server.start();
        long restartedAt = System.nanoTime();

        RedisStateBackend otherNode = backend(server.url(), Duration.ofSeconds(1));
        Lease taken = Await.result(Duration.ofSeconds(10), "another node to acquire the vanished lease",
                () -> otherNode.tryAcquire(PIPELINE, "other-node", Duration.ofMinutes(1)).orElseThrow());
        assertThat(taken.fencingToken()).as("fences survive losing the counter").isGreaterThan(firstFence);

        RunReport report = first.get(30, TimeUnit.SECONDS);
        assertThat(report.outcome()).isEqualTo(RunOutcome.LEASE_LOST);
        assertThat(Duration.ofNanos(blocking.cancelSeenAt.get() - restartedAt)).isLessThan(TTL);
        assertThat(otherNode.currentHolder(PIPELINE)).contains("other-node");
        assertThat(taken.renew()).isTrue();
    }

    // ---- status publishes failing ------------------------------------------------------------

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void statusPublishesFailingMidRun_doNotFailThePhase_andTheNextFlushCatchesUp() throws Exception {
        RedisServerProcess server = server();
        CountingBackend backend = new CountingBackend(backend(server.url(), Duration.ofMillis(500)));
        PipelineRunner runner = closeLater(PipelineRunner.builder(backend).leaseTtl(Duration.ofSeconds(9))
                .cancelGrace(Duration.ofSeconds(1)).publishInterval(Duration.ofMillis(50)).build());
        CountDownLatch started = new CountDownLatch(1);
        Pipeline pipeline = Pipeline.builder(PIPELINE).phase(Phase.of("download", ctx -> {
            started.countDown();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int i = 0;
            // keep reporting progress until publishing failed and then worked twice again
            while (!(backend.failures.get() > 0 && backend.successesAfterFailure.get() >= 2)) {
                ctx.throwIfCancelled();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no failed and recovered publish within 30 s");
                }
                ctx.progress(++i, 1_000_000);
                Thread.sleep(10);
            }
            ctx.message("done after " + i + " steps");
        })).build();

        Future<RunReport> run = pool.submit(() -> runner.runOnce(pipeline));
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
        // CLIENT PAUSE … WRITE blocks every script (publish, renew) for 1.5 s: the publishes time out
        server.command("CLIENT", "PAUSE", "1500", "WRITE");

        RunReport report = run.get(40, TimeUnit.SECONDS);
        assertThat(report.outcome()).as("%s", report.error()).isEqualTo(RunOutcome.SUCCEEDED);
        assertThat(backend.failures.get()).isPositive();
        PipelineStatus status = backend.readStatus(PIPELINE).orElseThrow();
        assertThat(status.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(status.runId()).isEqualTo(report.runId());
        assertThat(backend.currentHolder(PIPELINE)).isEmpty();
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static Pipeline quickPipeline() {
        return Pipeline.builder(PIPELINE).phase(Phase.of("download", ctx -> ctx.progress(1, 1))).build();
    }

    /** Runs until the outcome is not ALREADY_RUNNING (an old lock may live on until its TTL). */
    private static RunReport awaitRun(PipelineRunner runner, Pipeline pipeline, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            RunReport report = runner.runOnce(pipeline);
            if (report.outcome() != RunOutcome.ALREADY_RUNNING) {
                return report;
            }
            assertThat(System.nanoTime()).as("a run within %s", bound).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** First run: works until cancelled, noting when it saw the cancellation. Later runs: done at once. */
    private static final class BlockingPhase {
        final CountDownLatch started = new CountDownLatch(1);
        final AtomicLong cancelSeenAt = new AtomicLong();
        final AtomicLong fence = new AtomicLong();
        final AtomicInteger runs = new AtomicInteger();

        Pipeline pipeline() {
            return Pipeline.builder(PIPELINE).phase(Phase.of("download", ctx -> {
                if (runs.incrementAndGet() > 1) {
                    ctx.progress(1, 1);
                    return;
                }
                fence.set(ctx.fencingToken());
                started.countDown();
                long i = 0;
                while (!ctx.isCancelled()) {
                    ctx.progress(++i, 1_000_000);
                    Thread.sleep(10);
                }
                cancelSeenAt.set(System.nanoTime());
                ctx.throwIfCancelled();
            })).build();
        }
    }

    /** Counts failed publishes, and successful ones after the first failure. */
    private static final class CountingBackend implements dev.pipelinesdk.api.StateBackend {
        final RedisStateBackend delegate;
        final AtomicInteger failures = new AtomicInteger();
        final AtomicInteger successesAfterFailure = new AtomicInteger();

        CountingBackend(RedisStateBackend delegate) {
            this.delegate = delegate;
        }

        @Override
        public void publishStatus(PipelineStatus status) {
            try {
                delegate.publishStatus(status);
            } catch (StateBackendException e) {
                failures.incrementAndGet();
                throw e;
            }
            if (failures.get() > 0) {
                successesAfterFailure.incrementAndGet();
            }
        }

        @Override
        public Optional<Lease> tryAcquire(String pipeline, String owner, Duration ttl) {
            return delegate.tryAcquire(pipeline, owner, ttl);
        }

        @Override
        public Optional<String> currentHolder(String pipeline) {
            return delegate.currentHolder(pipeline);
        }

        @Override
        public Optional<PipelineStatus> readStatus(String pipeline) {
            return delegate.readStatus(pipeline);
        }

        @Override
        public void putExport(String pipeline, dev.pipelinesdk.api.ExportRecord record) {
            delegate.putExport(pipeline, record);
        }

        @Override
        public Optional<dev.pipelinesdk.api.ExportRecord> readExport(String pipeline, String id) {
            return delegate.readExport(pipeline, id);
        }

        @Override
        public List<dev.pipelinesdk.api.ExportRecord> listExports(String pipeline) {
            return delegate.listExports(pipeline);
        }

        @Override
        public void deleteExport(String pipeline, String id) {
            delegate.deleteExport(pipeline, id);
        }

        @Override
        public String description() {
            return delegate.description();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
