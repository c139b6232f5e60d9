package dev.pipelinesdk.core.notify;

import dev.pipelinesdk.core.testing.StderrCapture;
import static dev.pipelinesdk.core.notify.Reports.failed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.testing.Await;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookNotifierTest {

    private static final Instant SENT = Instant.parse("2026-11-23T02:01:30Z");

    private Receiver receiver;
    private final List<WebhookNotifier> notifiers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        receiver = new Receiver();
    }

    @AfterEach
    void stop() throws Exception {
        receiver.release();
        notifiers.forEach(WebhookNotifier::close);
        receiver.close();
    }

    /** A notifier for the receiver's /hook with fast retries and a fixed clock. */
    private WebhookNotifier.Builder webhook() {
        return WebhookNotifier.builder(receiver.url("/hook")).backoff(Duration.ofMillis(5), Duration.ofMillis(20))
                .clock(Clock.fixed(SENT, ZoneOffset.UTC));
    }

    private WebhookNotifier started(WebhookNotifier.Builder builder) {
        WebhookNotifier notifier = builder.build();
        notifiers.add(notifier);
        return notifier;
    }

    @Test
    void failedRun_postsDocumentWithEveryField() {
        WebhookNotifier notifier = started(webhook());

        notifier.onRunFinished(failed("20261123T020000Z-aa"));

        Await.until(() -> notifier.deliveredCount() == 1, "delivery");
        Receiver.Request request = receiver.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/hook");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("User-Agent")).isEqualTo(WebhookNotifier.DEFAULT_USER_AGENT);
        JsonNode body = request.json();
        List<String> fields = new ArrayList<>();
        body.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("event", "pipeline", "runId", "trigger", "mode", "outcome", "startedAt",
                "finishedAt", "durationMs", "owner", "error", "reason", "sentAt");
        assertThat(body.get("event").asText()).isEqualTo("run.failed");
        assertThat(body.get("pipeline").asText()).isEqualTo("stops");
        assertThat(body.get("runId").asText()).isEqualTo("20261123T020000Z-aa");
        assertThat(body.get("trigger").asText()).isEqualTo("scheduled");
        assertThat(body.get("mode").asText()).isEqualTo("full");
        assertThat(body.get("outcome").asText()).isEqualTo("failed");
        assertThat(body.get("startedAt").asText()).isEqualTo("2026-11-23T02:00:00Z");
        assertThat(body.get("finishedAt").asText()).isEqualTo("2026-11-23T02:01:23.500Z");
        assertThat(body.get("durationMs").isIntegralNumber()).isTrue();
        assertThat(body.get("durationMs").asLong()).isEqualTo(83_500);
        assertThat(body.get("owner").asText()).isEqualTo("web-1/4242");
        assertThat(body.get("error").get("phase").asText()).isEqualTo("match");
        assertThat(body.get("error").get("type").asText()).isEqualTo("IOException");
        assertThat(body.get("error").get("message").asText()).isEqualTo("disk full");
        assertThat(body.get("error").size()).isEqualTo(3);
        assertThat(body.get("reason").isNull()).isTrue();
        assertThat(body.get("sentAt").asText()).isEqualTo("2026-11-23T02:01:30Z");
        assertThat(notifier.failedCount()).isZero();
        assertThat(notifier.droppedCount()).isZero();
    }

    @Test
    void missedAndAbandonedRuns_areSentWithTheirOwnEvents() {
        WebhookNotifier notifier = started(webhook());

        notifier.onRunMissed(Reports.missed("m-1"));
        notifier.onRunAbandoned(Reports.abandoned("a-1"));

        Await.until(() -> notifier.deliveredCount() == 2, "two deliveries");
        JsonNode missed = receiver.requests().get(0).json();
        assertThat(missed.get("event").asText()).isEqualTo("run.missed");
        assertThat(missed.get("outcome").asText()).isEqualTo("missed");
        assertThat(missed.get("reason").asText()).contains("misfire grace time");
        assertThat(missed.get("error").isNull()).isTrue();
        assertThat(missed.get("durationMs").asLong()).isZero();
        JsonNode abandoned = receiver.requests().get(1).json();
        assertThat(abandoned.get("event").asText()).isEqualTo("run.abandoned");
        assertThat(abandoned.get("owner").isNull()).isTrue();
        assertThat(abandoned.get("trigger").asText()).isEqualTo("manual");
        assertThat(abandoned.get("mode").asText()).isEqualTo("only:match");
        assertThat(abandoned.get("error").get("type").asText()).isEqualTo("Abandoned");
    }

    @Test
    void succeededRun_isNotSentByDefault() {
        WebhookNotifier notifier = started(webhook());

        notifier.onRunFinished(Reports.of(RunOutcome.SUCCEEDED, "ok-1"));
        notifier.onRunFinished(Reports.of(RunOutcome.SKIPPED, "skip-1"));
        notifier.onRunFinished(Reports.of(RunOutcome.CANCELLED, "cancel-1"));
        notifier.onRunFinished(failed("bad-1"));

        // one queue, one sender: had anything before the failure been queued, it would have arrived first
        Await.until(() -> notifier.deliveredCount() == 1, "delivery of the failure");
        assertThat(receiver.runIds()).containsExactly("bad-1");
        assertThat(notifier.notifies(RunOutcome.SUCCEEDED)).isFalse();
        assertThat(WebhookNotifier.DEFAULT_OUTCOMES).containsExactlyInAnyOrder(RunOutcome.FAILED,
                RunOutcome.TIMED_OUT, RunOutcome.LEASE_LOST, RunOutcome.ABANDONED, RunOutcome.MISSED);
    }

    @Test
    void configuredOutcomes_areTheOnesSent() {
        WebhookNotifier notifier = started(webhook().outcomes(RunOutcome.SUCCEEDED, RunOutcome.CANCELLED));

        notifier.onRunFinished(failed("bad-1"));
        notifier.onRunFinished(Reports.of(RunOutcome.SUCCEEDED, "ok-1"));
        notifier.onRunFinished(Reports.of(RunOutcome.CANCELLED, "cancel-1"));

        Await.until(() -> notifier.deliveredCount() == 2, "two deliveries");
        assertThat(receiver.runIds()).containsExactly("ok-1", "cancel-1");
        assertThat(receiver.requests().get(0).json().get("event").asText()).isEqualTo("run.succeeded");
        assertThat(receiver.requests().get(1).json().get("event").asText()).isEqualTo("run.cancelled");
    }

    @Test
    void serverError_isRetriedUntilAccepted() {
        receiver.answer(n -> n < 3 ? 500 : 200);
        WebhookNotifier notifier = started(webhook());

        try (StderrCapture log = new StderrCapture()) {
            notifier.onRunFinished(failed("r-1"));
            Await.until(() -> notifier.deliveredCount() == 1, "delivery");
            assertThat(receiver.count()).isEqualTo(3);
            assertThat(notifier.failedCount()).isZero();
            assertThat(log.text()).contains("WARN").contains("answered HTTP 500 for run.failed of pipeline 'stops' run r-1 (attempt 1 of 3)")
                    .contains("(attempt 2 of 3)").doesNotContain("gave up");
        }
        assertThat(receiver.runIds()).containsExactly("r-1", "r-1", "r-1");
    }

    @Test
    void requestTimeoutAndTooManyRequests_areRetried() {
        receiver.answer(n -> n == 1 ? 408 : n == 2 ? 429 : 204);
        WebhookNotifier notifier = started(webhook());

        notifier.onRunFinished(failed("r-1"));

        Await.until(() -> notifier.deliveredCount() == 1, "delivery");
        assertThat(receiver.count()).isEqualTo(3);
    }

    @Test
    void clientError_isNotRetried() {
        receiver.answer(n -> 400);
        WebhookNotifier notifier = started(webhook());

        try (StderrCapture log = new StderrCapture()) {
            notifier.onRunFinished(failed("r-1"));
            Await.until(() -> notifier.failedCount() == 1, "giving up");
            assertThat(log.text()).contains("ERROR").contains("answered HTTP 400 for run.failed of pipeline 'stops' run r-1")
                    .contains("gave up after 1 attempt (not retried)");
        }
        assertThat(receiver.count()).isEqualTo(1);
        assertThat(notifier.deliveredCount()).isZero();
    }

    @Test
    void persistentServerError_givesUpAfterTheConfiguredAttempts() {
        receiver.answer(n -> 503);
        WebhookNotifier notifier = started(webhook().attempts(4));

        try (StderrCapture log = new StderrCapture()) {
            notifier.onRunFinished(failed("r-1"));
            Await.until(() -> notifier.failedCount() == 1, "giving up");
            assertThat(log.text()).contains("(attempt 3 of 4)").contains("gave up after 4 attempts")
                    .doesNotContain("(attempt 4 of 4)");
        }
        assertThat(receiver.count()).isEqualTo(4);
        assertThat(notifier.deliveredCount()).isZero();
    }

    @Test
    void unreachableReceiver_isRetriedAsAnIoError() throws Exception {
        int closedPort;
        try (Receiver gone = new Receiver()) {
            closedPort = gone.port();
        }
        WebhookNotifier notifier = started(WebhookNotifier.builder("http://127.0.0.1:" + closedPort + "/hook")
                .attempts(2).backoff(Duration.ofMillis(5), Duration.ofMillis(5)));

        try (StderrCapture log = new StderrCapture()) {
            notifier.onRunFinished(failed("r-1"));
            Await.until(() -> notifier.failedCount() == 1, "giving up");
            assertThat(log.text()).contains("(attempt 1 of 2); retrying in 5 ms").contains("gave up after 2 attempts")
                    .contains("ConnectException");
        }
    }

    @Test
    void hangingReceiver_doesNotHoldUpTheListenerCall() {
        receiver.hold();
        WebhookNotifier notifier = started(webhook().requestTimeout(Duration.ofMinutes(10)).drainTimeout(Duration.ZERO));

        // the bound only keeps a broken notifier from hanging the build; the proof is below
        assertTimeoutPreemptively(Await.BOUND, () -> notifier.onRunFinished(failed("r-1")));
        Await.until(() -> receiver.count() == 1, "the receiver to hold the first request");
        assertTimeoutPreemptively(Await.BOUND, () -> notifier.onRunFinished(failed("r-2")));

        // both calls returned while the first request is still unanswered (only this thread releases it)
        assertThat(receiver.holding()).isTrue();
        assertThat(notifier.deliveredCount()).isZero();
        assertThat(notifier.failedCount()).isZero();
        assertThat(notifier.pendingCount()).isEqualTo(2);

        receiver.release();
        Await.until(() -> notifier.deliveredCount() == 2, "both deliveries after the release");
        assertThat(receiver.runIds()).containsExactly("r-1", "r-2");
    }

    @Test
    void fullQueue_dropsTheOldestWithAWarning() {
        receiver.hold();
        WebhookNotifier notifier = started(webhook().queueCapacity(2));
        notifier.onRunFinished(failed("r-1"));
        Await.until(() -> receiver.count() == 1, "the first request in flight");

        try (StderrCapture log = new StderrCapture()) {
            notifier.onRunFinished(failed("r-2"));
            notifier.onRunFinished(failed("r-3"));
            notifier.onRunFinished(failed("r-4"));
            assertThat(notifier.droppedCount()).isEqualTo(1);
            assertThat(log.text()).contains("WARN")
                    .contains("queue for " + receiver.url("/hook") + " is full (2 waiting); dropped the oldest: run.failed of pipeline 'stops' run r-2");
        }

        receiver.release();
        Await.until(() -> notifier.deliveredCount() == 3, "the rest delivered");
        assertThat(receiver.runIds()).containsExactly("r-1", "r-3", "r-4");
    }

    @Test
    void close_deliversWhatIsQueuedAndRefusesMore() throws Exception {
        receiver.hold();
        WebhookNotifier notifier = started(webhook().drainTimeout(Duration.ofSeconds(30)));
        notifier.onRunFinished(failed("r-1"));
        notifier.onRunFinished(failed("r-2"));
        notifier.onRunFinished(failed("r-3"));
        Await.until(() -> receiver.count() == 1, "the first request in flight");

        Thread closing = new Thread(notifier::close, "closing");
        closing.start();
        Await.until(notifier::isClosed, "close to begin");
        notifier.onRunFinished(failed("late"));
        assertThat(notifier.droppedCount()).isEqualTo(1);
        assertThat(closing.isAlive()).as("close waits for the queue").isTrue();

        receiver.release();
        closing.join(Await.BOUND.toMillis());

        assertThat(closing.isAlive()).isFalse();
        assertThat(notifier.deliveredCount()).isEqualTo(3);
        assertThat(notifier.pendingCount()).isZero();
        assertThat(receiver.runIds()).containsExactly("r-1", "r-2", "r-3");
    }

    @Test
    void close_givesUpOnAHangingReceiverAfterTheDrainTimeout() {
        receiver.hold();
        WebhookNotifier notifier = started(webhook().requestTimeout(Duration.ofMinutes(10))
                .drainTimeout(Duration.ofMillis(50)));
        notifier.onRunFinished(failed("r-1"));
        notifier.onRunFinished(failed("r-2"));
        Await.until(() -> receiver.count() == 1, "the first request in flight");

        try (StderrCapture log = new StderrCapture()) {
            assertTimeoutPreemptively(Await.BOUND, notifier::close);
            Await.until(() -> notifier.droppedCount() == 2, "both counted as not sent");
            assertThat(log.text()).contains("closed with 1 notification not sent within the drain timeout of 50 ms")
                    .contains("stopped while sending run.failed of pipeline 'stops' run r-1");
        }
        assertThat(notifier.deliveredCount()).isZero();
        assertThat(notifier.pendingCount()).isZero();
    }

    @Test
    void headers_areSentAndTheirValuesNeverLogged() {
        receiver.answer(n -> n == 1 ? 500 : 204);
        WebhookNotifier notifier = started(webhook().header("Authorization", "Bearer s3cret-token")
                .header("X-Environment", "test").userAgent("stops-app/1.2"));

        try (StderrCapture log = new StderrCapture()) {
            notifier.onRunFinished(failed("r-1"));
            Await.until(() -> notifier.deliveredCount() == 1, "delivery");
            assertThat(log.text()).contains("answered HTTP 500").doesNotContain("s3cret-token");
        }
        Receiver.Request request = receiver.requests().get(1);
        assertThat(request.header("Authorization")).isEqualTo("Bearer s3cret-token");
        assertThat(request.header("X-Environment")).isEqualTo("test");
        assertThat(request.header("User-Agent")).isEqualTo("stops-app/1.2");
        assertThat(notifier.toString()).contains("Authorization").doesNotContain("s3cret-token");
    }

    @Test
    void passwordAndQueryInTheUrl_areSentButMaskedInLogs() {
        receiver.answer(n -> n == 1 ? 502 : 204);
        String url = "http://alice:pw-123@127.0.0.1:" + receiver.port() + "/hook?token=abc";
        WebhookNotifier notifier = started(WebhookNotifier.builder(url).backoff(Duration.ofMillis(5), Duration.ofMillis(5)));

        try (StderrCapture log = new StderrCapture()) {
            notifier.onRunFinished(failed("r-1"));
            Await.until(() -> notifier.deliveredCount() == 1, "delivery");
            assertThat(log.text()).contains("Webhook http://alice:***@127.0.0.1:" + receiver.port() + "/hook?*** answered HTTP 502")
                    .doesNotContain("pw-123").doesNotContain("token=abc");
        }
        Receiver.Request request = receiver.requests().get(1);
        assertThat(request.query()).isEqualTo("token=abc");
        assertThat(request.header("Authorization")).isEqualTo("Basic "
                + Base64.getEncoder().encodeToString("alice:pw-123".getBytes(StandardCharsets.UTF_8)));
        assertThat(notifier.toString()).doesNotContain("pw-123").doesNotContain("token=abc");
    }

    @Test
    void listenerCalls_neverThrow() {
        WebhookNotifier notifier = started(webhook());
        notifier.close();

        assertThatCode(() -> {
            notifier.onRunFinished(null);
            notifier.onRunFinished(failed("after-close"));
        }).doesNotThrowAnyException();
        assertThat(notifier.droppedCount()).isEqualTo(1);
        assertThat(receiver.count()).isZero();
    }

    @Test
    void givenExecutor_runsTheHttpClientsWork() throws Exception {
        AtomicInteger tasks = new AtomicInteger();
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            WebhookNotifier notifier = started(webhook().executor(task -> {
                tasks.incrementAndGet();
                pool.execute(task);
            }));

            notifier.onRunFinished(failed("r-1"));

            Await.until(() -> notifier.deliveredCount() == 1, "delivery");
            assertThat(tasks.get()).isPositive();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void backoff_doublesUpToTheCap() {
        List<Duration> waits = new ArrayList<>();
        for (int attempt = 1; attempt <= 5; attempt++) {
            waits.add(WebhookSender.backoff(Duration.ofSeconds(1), Duration.ofSeconds(5), attempt));
        }

        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(5), Duration.ofSeconds(5));
        assertThat(WebhookSender.backoff(Duration.ZERO, Duration.ZERO, 3)).isZero();
    }
}
