package dev.pipelinesdk.core.notify;

import dev.pipelinesdk.api.PipelineListener;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.core.internal.Checks;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * A {@link PipelineListener} that POSTs a JSON document to a URL for every run whose outcome it is
 * told to report. Thread-safe.
 *
 * <pre>{@code
 * try (WebhookNotifier webhook = WebhookNotifier.builder("https://hooks.example.com/pipelines")
 *         .header("Authorization", "Bearer " + token).build()) {
 *     PipelineRunner runner = PipelineRunner.builder(backend).listener(webhook).build();
 *     ...
 * }
 * }</pre>
 *
 * <p>The document: {@code {"event": "run.failed", "pipeline", "runId", "trigger", "mode",
 * "outcome", "startedAt", "finishedAt", "durationMs", "owner", "error": {"phase", "type",
 * "message"} or null, "reason", "sentAt"}}; {@code event} is {@code run.} and the outcome's wire
 * name ({@code run.timed_out}, {@code run.missed}, …); {@code reason} is the report's skip reason
 * (which instant was missed, for {@code run.missed}); times are ISO-8601 UTC.
 *
 * <p>The listener callbacks never block and never throw: they put the run in a bounded queue (the
 * oldest waiting notification is dropped with a WARN when it is full) and one daemon thread sends.
 * A 2xx answer is success. 5xx, 408, 429 and I/O errors are retried with a doubling backoff; other
 * answers are not. Each failed attempt is logged at WARN and giving up at ERROR, naming the URL
 * with its password and query string masked; header values are never logged. {@link #close()}
 * stops taking notifications and sends what is queued, for at most the drain timeout.
 */
public final class WebhookNotifier implements PipelineListener, AutoCloseable {

    /** The outcomes sent unless told otherwise: FAILED, TIMED_OUT, LEASE_LOST, ABANDONED, MISSED. */
    public static final Set<RunOutcome> DEFAULT_OUTCOMES = Outcomes.DEFAULT;

    /** The {@code User-Agent} sent unless told otherwise. */
    public static final String DEFAULT_USER_AGENT = "pipeline-sdk-webhook";

    private static final Set<String> RESERVED_HEADERS = Set.of("content-type", "content-length", "host",
            "connection", "upgrade", "expect", "user-agent");

    private final String masked;
    private final Set<RunOutcome> outcomes;
    private final List<String> headerNames;
    private final WebhookSender sender;

    private WebhookNotifier(Builder b, HttpRequest.Builder template) {
        this.masked = WebhookUrl.masked(b.url);
        this.outcomes = b.outcomes;
        this.headerNames = b.headers.values().stream().map(h -> h[0]).toList();
        HttpClient.Builder http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(b.connectTimeout);
        if (b.executor != null) {
            http.executor(b.executor);
        }
        this.sender = new WebhookSender(WebhookUrl.target(b.url).toString(), masked, http.build(), template, b.attempts,
                b.backoff, b.maxBackoff, b.drainTimeout, b.queueCapacity, b.clock);
    }

    /**
     * @param url where to POST: an absolute {@code http} or {@code https} URL; user info in it is
     *            sent as HTTP Basic authentication
     * @return a builder with the defaults described on each setter
     * @throws IllegalArgumentException when the URL is not such a URL (the message does not repeat it)
     */
    public static Builder builder(String url) {
        return new Builder(WebhookUrl.parse(url));
    }

    /**
     * @param url where to POST
     * @return a builder with the defaults described on each setter
     * @throws IllegalArgumentException naming the masked URL when it is not an absolute http(s) URL
     * @see #builder(String)
     */
    public static Builder builder(URI url) {
        return new Builder(WebhookUrl.check(url));
    }

    /**
     * @param url a URL
     * @return it as it appears in this notifier's log lines: password (or a lone user name) and
     *     query string replaced by {@code ***}, fragment left out
     */
    public static String maskUrl(URI url) {
        return WebhookUrl.masked(url);
    }

    @Override
    public void onRunFinished(RunReport report) {
        offer(report);
    }

    @Override
    public void onRunAbandoned(RunReport abandoned) {
        offer(abandoned);
    }

    @Override
    public void onRunMissed(RunReport missed) {
        offer(missed);
    }

    /**
     * @param outcome a run's outcome
     * @return {@code true} when a run with this outcome is sent
     */
    public boolean notifies(RunOutcome outcome) {
        return outcomes.contains(outcome);
    }

    /** @return notifications the receiver accepted (2xx) */
    public long deliveredCount() {
        return sender.delivered();
    }

    /** @return notifications given up on: refused for good, or still failing after every attempt */
    public long failedCount() {
        return sender.failed();
    }

    /** @return notifications never sent: dropped from a full queue, offered after close, or left at close */
    public long droppedCount() {
        return sender.dropped();
    }

    /** @return notifications queued or being sent */
    public int pendingCount() {
        return sender.pending();
    }

    /** @return {@code true} once {@link #close()} was called: no more notifications are taken */
    public boolean isClosed() {
        return sender.isClosed();
    }

    private void offer(RunReport report) {
        if (report != null && notifies(report.outcome())) {
            sender.offer(report);
        }
    }

    /**
     * Stops taking notifications, sends those queued for at most the drain timeout, then stops the
     * sender thread; what is left is counted as dropped and logged at ERROR. Later calls return at once.
     */
    @Override
    public void close() {
        sender.close();
    }

    @Override
    public String toString() {
        return "WebhookNotifier[" + masked + ", outcomes " + outcomes + ", headers " + headerNames + "]";
    }

    /** Builds a {@link WebhookNotifier}. Every setter rejects a bad value with the value in the message. Not thread-safe. */
    public static final class Builder {
        private static final Duration MAX_TIMEOUT = Duration.ofHours(1);

        private final URI url;
        private Set<RunOutcome> outcomes = DEFAULT_OUTCOMES;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private int attempts = 3;
        private Duration backoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration drainTimeout = Duration.ofSeconds(5);
        private int queueCapacity = 100;
        private Clock clock = Clock.systemUTC();
        private Executor executor;
        private String userAgent = DEFAULT_USER_AGENT;
        private final Map<String, String[]> headers = new LinkedHashMap<>(); // lower-case name -> {name, value}

        private Builder(URI url) {
            this.url = url;
        }

        /**
         * @param outcomes the outcomes to send (default {@link #DEFAULT_OUTCOMES}); at least one,
         *                 not {@link RunOutcome#ALREADY_RUNNING}
         * @return this
         */
        public Builder outcomes(Collection<RunOutcome> outcomes) {
            this.outcomes = Outcomes.validate("outcomes", outcomes);
            return this;
        }

        /**
         * @param outcomes the outcomes to send
         * @return this
         * @see #outcomes(Collection)
         */
        public Builder outcomes(RunOutcome... outcomes) {
            return outcomes(Arrays.asList(Objects.requireNonNull(outcomes, "outcomes")));
        }

        /**
         * @param timeout how long connecting may take (default 5 s, 1 ms to 1 h)
         * @return this
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = within("connectTimeout", timeout, Duration.ofMillis(1), MAX_TIMEOUT);
            return this;
        }

        /**
         * @param timeout how long one attempt may wait for the answer (default 10 s, 1 ms to 1 h)
         * @return this
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = within("requestTimeout", timeout, Duration.ofMillis(1), MAX_TIMEOUT);
            return this;
        }

        /**
         * @param attempts tries per notification, the first included (default 3, 1 to 20)
         * @return this
         */
        public Builder attempts(int attempts) {
            this.attempts = Checks.within("attempts", attempts, 1, 20);
            return this;
        }

        /**
         * @param initial the wait after the first failed attempt, doubled after each further one
         *                (default 1 s, 0 to {@code max})
         * @param max     the longest wait (default 30 s, at most 1 h)
         * @return this
         */
        public Builder backoff(Duration initial, Duration max) {
            Duration m = within("maximum backoff", max, Duration.ZERO, MAX_TIMEOUT);
            this.backoff = within("backoff", initial, Duration.ZERO, m);
            this.maxBackoff = m;
            return this;
        }

        /**
         * @param timeout how long {@link WebhookNotifier#close()} keeps sending what is queued
         *                (default 5 s, 0 to 1 h)
         * @return this
         */
        public Builder drainTimeout(Duration timeout) {
            this.drainTimeout = within("drainTimeout", timeout, Duration.ZERO, MAX_TIMEOUT);
            return this;
        }

        /**
         * @param capacity notifications waiting at most; beyond, the oldest is dropped (default 100, 1 to 100000)
         * @return this
         */
        public Builder queueCapacity(int capacity) {
            this.queueCapacity = Checks.within("queueCapacity", capacity, 1, 100_000);
            return this;
        }

        /**
         * Adds a request header, replacing one of the same name. Values are never logged.
         *
         * @param name  e.g. {@code Authorization}; not one the client sets itself ({@code Content-Type},
         *              {@code User-Agent}, {@code Host}, {@code Content-Length}, {@code Connection},
         *              {@code Upgrade}, {@code Expect})
         * @param value its value, without line breaks
         * @return this
         */
        public Builder header(String name, String value) {
            if (name == null || name.isEmpty() || !name.chars().allMatch(Builder::isTokenChar)) {
                throw new IllegalArgumentException("Header name '" + name + "' is not a valid HTTP header name");
            }
            String key = name.toLowerCase(Locale.ROOT);
            if (RESERVED_HEADERS.contains(key)) {
                throw new IllegalArgumentException("Header '" + name + "' is set by the notifier"
                        + (key.equals("user-agent") ? "; use userAgent(...)" : "") + " and cannot be given");
            }
            if (value == null || value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                throw new IllegalArgumentException("Header '" + name + "' needs a value without line breaks");
            }
            headers.put(key, new String[] {name, value});
            return this;
        }

        /**
         * @param userAgent the {@code User-Agent} header (default {@value WebhookNotifier#DEFAULT_USER_AGENT})
         * @return this
         */
        public Builder userAgent(String userAgent) {
            if (userAgent == null || userAgent.isBlank() || userAgent.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("userAgent must be non-blank text on one line, was '" + userAgent + "'");
            }
            this.userAgent = userAgent;
            return this;
        }

        /**
         * @param clock gives {@code sentAt} (default UTC system clock)
         * @return this
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param executor runs the HTTP client's asynchronous work (default: the client's own threads)
         * @return this
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        private static boolean isTokenChar(int c) {
            return c > 32 && c < 127 && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
        }

        private static Duration within(String what, Duration value, Duration min, Duration max) {
            Objects.requireNonNull(value, what);
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(what + " must be between " + min.toMillis() + " ms and "
                        + max.toMillis() + " ms, was " + value);
            }
            return value;
        }

        /**
         * Builds the notifier and starts its sender thread.
         *
         * @return the notifier; close it to stop the thread
         * @throws IllegalArgumentException when the URL carries user info and an {@code Authorization}
         *     header is given too
         */
        public WebhookNotifier build() {
            HttpRequest.Builder template = HttpRequest.newBuilder(WebhookUrl.target(url)).timeout(requestTimeout)
                    .header("Content-Type", "application/json").header("User-Agent", userAgent);
            var basic = WebhookUrl.basicAuthorization(url);
            if (basic.isPresent()) {
                if (headers.containsKey("authorization")) {
                    throw new IllegalArgumentException("Webhook URL " + WebhookUrl.masked(url)
                            + " carries user info and an Authorization header is given too; use one of them");
                }
                template.header("Authorization", basic.get());
            }
            headers.values().forEach(h -> template.header(h[0], h[1]));
            return new WebhookNotifier(this, template);
        }
    }
}
