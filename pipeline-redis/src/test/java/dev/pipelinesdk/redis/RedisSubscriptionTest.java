package dev.pipelinesdk.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelinesdk.api.testing.Await;
import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.Progress;
import dev.pipelinesdk.api.RunState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Live status via pub/sub: every published document reaches subscribers of any process. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisSubscriptionTest {

    private static final long WAIT_SECONDS = 10;

    @TempDir
    Path tmp;

    private RedisServerProcess server;
    private final List<RedisStateBackend> opened = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        opened.forEach(RedisStateBackend::close);
        if (server != null) {
            server.close();
        }
    }

    private RedisStateBackend open(String prefix) throws Exception {
        if (server == null) {
            server = RedisServerProcess.start(tmp.resolve("redis"));
        }
        RedisStateBackend b = RedisStateBackend.builder(server.url()).keyPrefix(prefix)
                .commandTimeout(Duration.ofSeconds(2)).build();
        opened.add(b);
        return b;
    }

    private static PipelineStatus running(String pipeline, long done) {
        return PipelineStatus.builder(pipeline).runId("run-" + done).state(RunState.RUNNING).phase("match")
                .phaseIndex(1).phaseCount(2).progress(new Progress(done, 100)).message("step " + done)
                .startedAt(Instant.parse("2026-11-23T02:00:00Z")).updatedAt(Instant.parse("2026-11-23T02:00:01.5Z"))
                .build();
    }

    @Test
    void subscriber_receivesEachPublishedStatus_fromAnotherProcess_andMayCallTheBackend() throws Exception {
        RedisStateBackend watcher = open("pipeline:");
        RedisStateBackend publisher = open("pipeline:");
        BlockingQueue<PipelineStatus> received = new LinkedBlockingQueue<>();
        BlockingQueue<Optional<PipelineStatus>> readInListener = new LinkedBlockingQueue<>();
        try (StatusSubscription subscription = watcher.subscribe("stops", s -> {
            received.add(s);
            readInListener.add(watcher.readStatus("stops")); // no deadlock: listeners do not run on the I/O thread
        })) {
            assertThat(subscription.channel()).isEqualTo("pipeline:stops:events");
            for (int i = 1; i <= 3; i++) {
                publisher.publishStatus(running("stops", i));
            }
            publisher.publishStatus(running("lines", 9));

            for (int i = 1; i <= 3; i++) {
                assertThat(received.poll(WAIT_SECONDS, TimeUnit.SECONDS)).as("delivery %d, in order", i)
                        .isEqualTo(running("stops", i));
                assertThat(readInListener.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isPresent();
            }
            publisher.publishStatus(running("stops", 4));
            assertThat(received.poll(WAIT_SECONDS, TimeUnit.SECONDS)).as("not the other pipeline's")
                    .isEqualTo(running("stops", 4));
        }
    }

    @Test
    void malformedMessages_andListenerExceptions_areSkipped() throws Exception {
        RedisStateBackend backend = open("pipeline:");
        BlockingQueue<PipelineStatus> received = new LinkedBlockingQueue<>();
        AtomicInteger calls = new AtomicInteger();
        try (StatusSubscription subscription = backend.subscribe("stops", s -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("listener bug");
            }
            received.add(s);
        })) {
            backend.publishStatus(running("stops", 1)); // the listener throws on this one
            server.command("PUBLISH", "pipeline:stops:events", "{\"pipeline\":\"stops\",\"state\":\"runn");
            server.command("PUBLISH", "pipeline:stops:events", "not json at all");
            try (RespConnection admin = server.admin()) {
                admin.callBytes("PUBLISH".getBytes(StandardCharsets.UTF_8),
                        "pipeline:stops:events".getBytes(StandardCharsets.UTF_8), running("lines", 5).toJson());
            }
            backend.publishStatus(running("stops", 2));

            assertThat(received.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(running("stops", 2));
            assertThat(calls.get()).as("the bad messages never reached the listener").isEqualTo(2);
            assertThat(subscription.isClosed()).isFalse();
        }
    }

    @Test
    void subscribeAll_seesEveryPipelineUnderItsPrefix_only() throws Exception {
        RedisStateBackend backend = open("pipeline:");
        RedisStateBackend otherApp = open("other-app:");
        BlockingQueue<PipelineStatus> received = new LinkedBlockingQueue<>();
        try (StatusSubscription all = backend.subscribeAll(received::add)) {
            assertThat(all.channel()).isEqualTo("pipeline:*:events");
            otherApp.publishStatus(running("stops", 7));
            backend.publishStatus(running("stops", 1));
            backend.publishStatus(running("lines", 2));

            assertThat(received.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(running("stops", 1));
            assertThat(received.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(running("lines", 2));
        }
    }

    @Test
    void closedSubscription_getsNoMoreDeliveries_andTheLastOneUnsubscribes() throws Exception {
        RedisStateBackend backend = open("pipeline:");
        BlockingQueue<PipelineStatus> closedOne = new LinkedBlockingQueue<>();
        BlockingQueue<PipelineStatus> openOne = new LinkedBlockingQueue<>();
        StatusSubscription first = backend.subscribe("stops", closedOne::add);
        StatusSubscription second = backend.subscribe("stops", openOne::add);
        backend.publishStatus(running("stops", 1));
        assertThat(closedOne.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(running("stops", 1));
        assertThat(openOne.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(running("stops", 1));

        first.close();
        first.close();
        backend.publishStatus(running("stops", 2));

        // both listeners of a channel are served by the same delivery, in order
        assertThat(openOne.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(running("stops", 2));
        assertThat(closedOne).isEmpty();
        assertThat(first.isClosed()).isTrue();
        assertThat(numSub("pipeline:stops:events")).as("still subscribed for the second").isEqualTo(1L);

        second.close();
        assertThat(numSub("pipeline:stops:events")).isZero();
    }

    @Test
    void subscription_survivesARedisRestart() throws Exception {
        RedisStateBackend watcher = open("pipeline:");
        RedisStateBackend publisher = open("pipeline:");
        BlockingQueue<PipelineStatus> received = new LinkedBlockingQueue<>();
        try (StatusSubscription ignoredWhileDown = watcher.subscribe("stops", received::add)) {
            server.kill();
            server.start();

            // re-subscribing happens in the background after the reconnect: publish until it lands
            Await.until(Duration.ofSeconds(20), "a delivery after the restart", () -> {
                publisher.publishStatus(running("stops", 42));
                return running("stops", 42).equals(received.poll(100, TimeUnit.MILLISECONDS));
            });
            assertThat(ignoredWhileDown.isClosed()).isFalse();
        }
    }

    @Test
    void closingTheBackend_endsItsSubscriptions() throws Exception {
        RedisStateBackend backend = open("pipeline:");
        StatusSubscription subscription = backend.subscribe("stops", s -> { });
        backend.close();

        assertThat(subscription.isClosed()).isTrue();
        subscription.close();
        assertThatThrownBy(() -> backend.subscribe("stops", s -> { }))
                .isInstanceOf(dev.pipelinesdk.api.StateBackendException.class).hasMessageContaining("closed");
        assertThat(numSub("pipeline:stops:events")).isZero();
    }

    private long numSub(String channel) throws Exception {
        // PUBSUB NUMSUB answers [channel, count]
        List<?> reply = (List<?>) server.command("PUBSUB", "NUMSUB", channel);
        return (Long) reply.get(1);
    }
}
