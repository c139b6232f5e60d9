package dev.pipelinesdk.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.Progress;
import dev.pipelinesdk.api.RunState;
import dev.pipelinesdk.api.StatusSubscriptions;
import dev.pipelinesdk.api.testing.Await;
import dev.pipelinesdk.core.status.StatusFeed;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The status feed on Redis: documents pushed over pub/sub, a safety read for what pub/sub missed. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatusFeedRedisTest {

    private static final Instant T0 = Instant.parse("2026-11-23T02:00:00Z");

    @TempDir
    Path tmp;

    private RedisServerProcess server;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        if (server != null) {
            server.close();
        }
    }

    private <T extends AutoCloseable> T open(T resource) {
        opened.add(resource);
        return resource;
    }

    private RedisStateBackend backend(String url) {
        return open(RedisStateBackend.builder(url).commandTimeout(Duration.ofSeconds(2))
                .connectTimeout(Duration.ofSeconds(1)).build());
    }

    private static PipelineStatus running(int step) {
        return PipelineStatus.builder("stops").runId("run-1").state(RunState.RUNNING).phase("match")
                .phaseIndex(1).phaseCount(2).progress(new Progress(step, 10)).message("step " + step)
                .startedAt(T0).updatedAt(T0.plusMillis(step)).build();
    }

    @Test
    void publishedDocuments_reachSubscribersWithoutWaitingForThePoll_onceAndInOrder() throws Exception {
        server = RedisServerProcess.start(tmp.resolve("redis"));
        RedisStateBackend watcher = backend(server.url());
        RedisStateBackend publisher = backend(server.url());
        assertThat(watcher).isInstanceOf(StatusSubscriptions.class);
        publisher.publishStatus(running(1));

        StatusFeed feed = open(StatusFeed.builder(watcher).pipelines("stops").pollInterval(Duration.ofHours(1)).build());
        List<PipelineStatus> received = new CopyOnWriteArrayList<>();
        feed.subscribe(received::add);
        feed.start();
        Await.until(() -> received.size() == 1, "the document read at start (after subscribing)");

        publisher.publishStatus(running(2));
        publisher.publishStatus(running(3));
        publisher.publishStatus(running(3)); // the same document again: not a change
        publisher.publishStatus(running(4));
        Await.until(() -> received.size() >= 4, "pushed documents, long before the next poll in 1 h");

        assertThat(received).containsExactly(running(1), running(2), running(3), running(4));
        assertThat(feed.latest("stops")).contains(running(4));
    }

    @Test
    void documentStoredWithoutPublish_isFoundByTheSafetyRead() throws Exception {
        server = RedisServerProcess.start(tmp.resolve("redis"));
        RedisStateBackend watcher = backend(server.url());
        StatusFeed feed = open(StatusFeed.builder(watcher).pipelines("stops").pollInterval(Duration.ofMillis(10)).build());
        List<PipelineStatus> received = new CopyOnWriteArrayList<>();
        feed.subscribe(received::add);
        feed.start();
        watcher.publishStatus(running(1));
        Await.until(() -> received.size() == 1, "the pushed document");

        try (RespConnection admin = server.admin()) { // a write whose PUBLISH was missed
            admin.callBytes("SET".getBytes(), "pipeline:stops:status".getBytes(), running(2).toJson());
        }
        Await.until(() -> received.size() == 2, "the document found by the safety read");
        assertThat(received).containsExactly(running(1), running(2));
    }

    @Test
    void redisAwayAtStart_feedRetries_andDeliversOnceItIsUp() throws Exception {
        int port = RedisServerProcess.freePort();
        RedisStateBackend watcher = backend("redis://127.0.0.1:" + port);
        StatusFeed feed = open(StatusFeed.builder(watcher).pipelines("stops").pollInterval(Duration.ofMillis(20)).build());
        List<PipelineStatus> received = new CopyOnWriteArrayList<>();
        feed.subscribe(received::add);
        feed.start();
        Await.until(() -> feed.readError("stops").isPresent(), "the read failure noticed");
        assertThat(feed.latest("stops")).contains(PipelineStatus.idle("stops"));

        server = RedisServerProcess.startOn(tmp.resolve("redis"), port, null);
        RedisStateBackend publisher = backend(server.url());
        publisher.publishStatus(running(1));
        Await.until(() -> received.size() == 1, "the document once Redis is up");
        Await.until(() -> feed.readError("stops").isEmpty(), "the read error cleared");
        publisher.publishStatus(running(2));
        Await.until(() -> received.size() == 2, "the next document");
        assertThat(received).containsExactly(running(1), running(2));
    }
}
