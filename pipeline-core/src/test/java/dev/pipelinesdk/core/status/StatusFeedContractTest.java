package dev.pipelinesdk.core.status;

import dev.pipelinesdk.core.testing.StderrCapture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.Progress;
import dev.pipelinesdk.api.RunState;
import dev.pipelinesdk.api.StateBackend;
import dev.pipelinesdk.api.testing.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The status feed over a polled backend; run against the in-memory and the file backend. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class StatusFeedContractTest {

    private static final Instant T0 = Instant.parse("2026-11-23T02:00:00Z");

    private StateBackend backend;
    private CountingBackend counting;

    /** @return a fresh backend */
    abstract StateBackend newBackend() throws Exception;

    /** Stores unreadable bytes as the pipeline's status document. */
    abstract void corrupt(StateBackend backend, String pipeline) throws Exception;

    @BeforeEach
    void open() throws Exception {
        backend = newBackend();
        counting = new CountingBackend(backend);
    }

    @AfterEach
    void closeBackend() {
        backend.close();
    }

    static PipelineStatus running(String pipeline, int step) {
        return PipelineStatus.builder(pipeline).runId("run-1").state(RunState.RUNNING).phase("match")
                .phaseIndex(1).phaseCount(2).progress(new Progress(step, 10)).message("step " + step)
                .startedAt(T0).updatedAt(T0.plusMillis(step)).build();
    }

    private StatusFeed feed(String... pipelines) {
        return StatusFeed.builder(counting).pipelines(pipelines).pollInterval(Duration.ofMillis(10)).build();
    }

    private static void awaitSize(List<?> list, int size, String what) {
        Await.until(() -> list.size() >= size, what);
    }

    @Test
    void feed_deliversEveryChangeOnce_inOrderPerPipeline() {
        try (StatusFeed feed = feed("stops", "lines")) {
            List<PipelineStatus> received = new CopyOnWriteArrayList<>();
            feed.subscribe(received::add);
            feed.start();
            for (int i = 1; i <= 5; i++) {
                backend.publishStatus(running("stops", i));
                backend.publishStatus(running("lines", 100 + i));
                int expected = 2 * i;
                awaitSize(received, expected, "documents of step " + i);
                int reads = counting.reads.get();
                backend.publishStatus(running("stops", i)); // the same bytes again: no change
                Await.until(() -> counting.reads.get() >= reads + 6, "a few more polls");
            }
            backend.publishStatus(running("stops", 6));
            awaitSize(received, 11, "the last document");

            assertThat(received.stream().filter(s -> s.pipeline().equals("stops")).toList())
                    .containsExactly(running("stops", 1), running("stops", 2), running("stops", 3),
                            running("stops", 4), running("stops", 5), running("stops", 6));
            assertThat(received.stream().filter(s -> s.pipeline().equals("lines")).toList())
                    .containsExactly(running("lines", 101), running("lines", 102), running("lines", 103),
                            running("lines", 104), running("lines", 105));
            assertThat(feed.latest("stops")).contains(running("stops", 6));
            assertThat(feed.latest()).containsExactly(running("stops", 6), running("lines", 105));
        }
    }

    @Test
    void latest_isIdleWithoutDocument_andEmptyForUnwatchedPipeline() {
        try (StatusFeed feed = feed("stops")) {
            feed.start();
            int reads = counting.reads.get();
            Await.until(() -> counting.reads.get() > reads + 2, "a few polls");
            assertThat(feed.latest("stops")).contains(PipelineStatus.idle("stops"));
            assertThat(feed.latest()).containsExactly(PipelineStatus.idle("stops"));
            assertThat(feed.latest("lines")).isEmpty();
            assertThat(feed.readError("stops")).isEmpty();
        }
    }

    @Test
    void lateSubscriber_getsTheCurrentDocumentFirst() {
        backend.publishStatus(running("stops", 3));
        try (StatusFeed feed = feed("stops")) {
            feed.start();
            Await.until(() -> feed.latest("stops").orElseThrow().equals(running("stops", 3)), "the first read");
            List<PipelineStatus> received = new CopyOnWriteArrayList<>();
            feed.subscribe(received::add);
            awaitSize(received, 1, "the current document");
            backend.publishStatus(running("stops", 4));
            awaitSize(received, 2, "the change");
            assertThat(received).containsExactly(running("stops", 3), running("stops", 4));
        }
    }

    @Test
    void slowSubscriber_delaysOnlyItself_andGetsTheNewestAfterUnblocking() throws Exception {
        try (StatusFeed feed = StatusFeed.builder(counting).pipelines("stops").pollInterval(Duration.ofMillis(10))
                .subscriberBuffer(2).build()) {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            List<PipelineStatus> slow = new CopyOnWriteArrayList<>();
            List<PipelineStatus> fast = new CopyOnWriteArrayList<>();
            Subscription slowSub = feed.subscribe(s -> {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                slow.add(s);
            });
            feed.subscribe(fast::add);
            feed.start();
            backend.publishStatus(running("stops", 1));
            assertThat(entered.await(20, TimeUnit.SECONDS)).as("slow listener called").isTrue();
            for (int i = 2; i <= 6; i++) {
                backend.publishStatus(running("stops", i));
                awaitSize(fast, i, "fast subscriber got step " + i + " while the slow one is blocked");
            }
            assertThat(slow).isEmpty();

            release.countDown();
            awaitSize(slow, 3, "slow subscriber catching up");
            assertThat(slow).containsExactly(running("stops", 1), running("stops", 5), running("stops", 6));
            assertThat(slowSub.droppedCount()).isEqualTo(3);
            assertThat(fast).hasSize(6);
        }
    }

    @Test
    void throwingListener_isLogged_andOthersKeepReceiving() {
        try (StatusFeed feed = feed("stops"); StderrCapture log = new StderrCapture()) {
            AtomicInteger thrown = new AtomicInteger();
            List<PipelineStatus> other = new CopyOnWriteArrayList<>();
            feed.subscribe(s -> {
                thrown.incrementAndGet();
                throw new IllegalStateException("listener bug");
            });
            feed.subscribe(other::add);
            feed.start();
            backend.publishStatus(running("stops", 1));
            awaitSize(other, 1, "first document");
            backend.publishStatus(running("stops", 2));
            awaitSize(other, 2, "second document");
            Await.until(() -> thrown.get() == 2, "the throwing listener called for both");
            Await.until(() -> log.text().contains("listener bug"), "the listener's exception logged");
        }
    }

    @Test
    void unreadableDocument_isLoggedOncePerStreak_andTheFeedRecovers() throws Exception {
        try (StderrCapture log = new StderrCapture(); StatusFeed feed = feed("stops")) {
            List<PipelineStatus> received = new CopyOnWriteArrayList<>();
            feed.subscribe(received::add);
            feed.start();
            backend.publishStatus(running("stops", 1));
            awaitSize(received, 1, "first document");

            corrupt(backend, "stops");
            Await.until(() -> feed.readError("stops").isPresent(), "the read error noticed");
            int reads = counting.reads.get();
            Await.until(() -> counting.reads.get() >= reads + 5, "more failing polls");
            assertThat(feed.readError("stops").orElseThrow()).contains("Unreadable state");
            assertThat(feed.latest("stops")).contains(running("stops", 1)); // the last good one stays

            backend.publishStatus(running("stops", 2));
            awaitSize(received, 2, "the document after the fix");
            Await.until(() -> feed.readError("stops").isEmpty(), "the read error cleared");
            assertThat(received).containsExactly(running("stops", 1), running("stops", 2));
            assertThat(log.count("Cannot read the status of 'stops'")).isEqualTo(1);

            corrupt(backend, "stops"); // a new streak is logged again
            Await.until(() -> log.count("Cannot read the status of 'stops'") == 2, "the second streak logged");
        }
    }

    @Test
    void close_closesSubscriptions_stopsThreads_andRefusesNewSubscribers() {
        StatusFeed feed = feed("stops");
        Subscription sub = feed.subscribe(s -> { });
        feed.start();
        backend.publishStatus(running("stops", 1));
        Await.until(() -> feed.latest("stops").orElseThrow().equals(running("stops", 1)), "first read");
        feed.close();
        feed.close();
        assertThat(sub.isClosed()).isTrue();
        assertThatThrownBy(() -> feed.subscribe(s -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(feed::start).isInstanceOf(IllegalStateException.class);
        Await.until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("pipeline-status-feed-") && t.isAlive()), "feed threads gone");
    }

    @Test
    void builder_rejectsBadSettings() {
        assertThatThrownBy(() -> StatusFeed.builder(backend).build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("at least one pipeline");
        assertThatThrownBy(() -> StatusFeed.builder(backend).pipelines("Bad Name"))
                .hasMessageContaining("'Bad Name'");
        assertThatThrownBy(() -> StatusFeed.builder(backend).pollInterval(Duration.ofMillis(1)))
                .hasMessageContaining("PT0.001S");
        assertThatThrownBy(() -> StatusFeed.builder(backend).subscriberBuffer(0)).hasMessageContaining("was 0");
    }
}
