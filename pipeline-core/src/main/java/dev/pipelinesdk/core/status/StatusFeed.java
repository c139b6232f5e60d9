package dev.pipelinesdk.core.status;

import dev.pipelinesdk.api.Names;
import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.StateBackend;
import dev.pipelinesdk.api.StatusSubscriptions;
import dev.pipelinesdk.core.internal.Checks;
import dev.pipelinesdk.core.status.internal.PipelineWatch;
import dev.pipelinesdk.core.status.internal.SubscriberQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the status documents of some pipelines in a {@link StateBackend} and hands every change
 * to its subscribers: what a host needs for a status API, a server-sent-events stream or a status
 * page, in any web framework. Thread-safe.
 *
 * <pre>{@code
 * try (StatusFeed feed = StatusFeed.builder(backend).pipelines("stops").build()) {
 *     feed.start();
 *     Subscription sse = feed.subscribe(status -> queue.offer(status)); // hand over; never block here
 *     ...
 * }
 * }</pre>
 *
 * <p><b>What is delivered.</b> Each distinct document (compared by its JSON bytes) once, in order
 * per pipeline, to every subscriber. A subscriber first gets the current document of each watched
 * pipeline that has one, then every change. A listener is called by one thread at a time, never by
 * the backend's thread; each subscriber has its own bounded buffer, so a slow or blocked listener
 * delays only itself: when it falls more than the buffer behind, its oldest waiting documents are
 * dropped and the newest kept (a status stream only needs the latest). A listener's exception is
 * logged and ignored.
 *
 * <p><b>How.</b> One feed thread decides what is a change. When the backend implements
 * {@link StatusSubscriptions} (Redis), published documents are pushed to it at once and the
 * backend is read only as a safety net every {@code max(pollInterval, 2 s)}, which catches
 * messages missed while disconnected. Otherwise (files, memory) it reads
 * {@link StateBackend#readStatus} every poll interval. A failing read ({@code StateBackendException},
 * including an unreadable document) is logged at WARN once per streak of failures, and retried;
 * it never stops the feed.
 */
public final class StatusFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatusFeed.class);
    private static final Duration SAFETY_POLL = Duration.ofSeconds(2);
    private static final Duration JOIN_BOUND = Duration.ofSeconds(5);
    private static final int INBOUND_CAPACITY = 1024;
    private static final AtomicInteger FEEDS = new AtomicInteger();

    private final StateBackend backend;
    private final List<String> pipelines;
    private final Duration pollInterval;
    private final Duration safetyPoll;
    private final int subscriberBuffer;
    private final Clock clock;
    private final Map<String, PipelineWatch> watches = new LinkedHashMap<>();
    private final Map<String, PipelineStatus> latest = new ConcurrentHashMap<>();
    private final Map<String, String> readErrors = new ConcurrentHashMap<>();
    private final List<SubscriberQueue> subscribers = new CopyOnWriteArrayList<>();
    private final Object fanOut = new Object();
    private final BlockingQueue<PipelineStatus> inbound = new ArrayBlockingQueue<>(INBOUND_CAPACITY);
    private final ExecutorService delivery;
    private final Thread feedThread;
    private volatile boolean missedPush;
    private volatile boolean started;
    private volatile boolean closed;

    private StatusFeed(Builder b) {
        this.backend = b.backend;
        this.pipelines = List.copyOf(b.pipelines);
        this.pollInterval = b.pollInterval;
        this.safetyPoll = b.pollInterval.compareTo(SAFETY_POLL) > 0 ? b.pollInterval : SAFETY_POLL;
        this.subscriberBuffer = b.subscriberBuffer;
        this.clock = b.clock;
        pipelines.forEach(p -> watches.put(p, new PipelineWatch(p)));
        int n = FEEDS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.delivery = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> daemon(r, "pipeline-status-feed-" + n + "-deliver-" + threads.incrementAndGet()));
        this.feedThread = daemon(this::run, "pipeline-status-feed-" + n);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * @param backend where the status documents live; not closed by the feed
     * @return a builder
     */
    public static Builder builder(StateBackend backend) {
        return new Builder(Objects.requireNonNull(backend, "backend"));
    }

    /**
     * Starts the feed thread: it subscribes where the backend supports it, reads every watched
     * pipeline's document at once, then keeps watching. Returns without waiting for the first read.
     * Later calls do nothing.
     *
     * @throws IllegalStateException when the feed was closed
     */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("The status feed of " + pipelines + " is closed and cannot start");
        }
        if (!started) {
            started = true;
            feedThread.start();
        }
    }

    /**
     * Adds a listener. It receives the current document of each watched pipeline known so far, then
     * every change (see the class description for threads and ordering).
     *
     * @param listener receives documents; it should hand them over quickly (e.g. to a queue): a
     *                 listener that blocks delays only itself, but holds one delivery thread while it does
     * @return the subscription; close it to stop
     * @throws IllegalStateException when the feed was closed
     */
    public Subscription subscribe(Consumer<PipelineStatus> listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (fanOut) {
            if (closed) {
                throw new IllegalStateException("The status feed of " + pipelines + " is closed");
            }
            SubscriberQueue[] self = new SubscriberQueue[1];
            SubscriberQueue queue = new SubscriberQueue(listener, subscriberBuffer, delivery,
                    () -> subscribers.remove(self[0]));
            self[0] = queue;
            subscribers.add(queue);
            for (String p : pipelines) {
                PipelineStatus current = latest.get(p);
                if (current != null) {
                    queue.offer(current);
                }
            }
            return new Subscription() {
                @Override
                public long droppedCount() {
                    return queue.dropped();
                }

                @Override
                public boolean isClosed() {
                    return queue.isClosed();
                }

                @Override
                public void close() {
                    queue.close();
                }
            };
        }
    }

    /**
     * @param pipeline a watched pipeline's name
     * @return its latest document known to the feed; {@link PipelineStatus#idle} while it has none
     *     (never run, or not read yet); empty when the pipeline is not watched by this feed
     */
    public Optional<PipelineStatus> latest(String pipeline) {
        if (!watches.containsKey(pipeline)) {
            return Optional.empty();
        }
        return Optional.of(latest.getOrDefault(pipeline, PipelineStatus.idle(pipeline)));
    }

    /** @return the latest document of every watched pipeline, in the order they were given */
    public List<PipelineStatus> latest() {
        List<PipelineStatus> out = new ArrayList<>(pipelines.size());
        pipelines.forEach(p -> out.add(latest.getOrDefault(p, PipelineStatus.idle(p))));
        return out;
    }

    /**
     * @param pipeline a watched pipeline's name
     * @return why its document could not be read the last time it was tried (the backend's
     *     message), empty while reads succeed; a status page can show that its data is stale
     */
    public Optional<String> readError(String pipeline) {
        return Optional.ofNullable(pipeline == null ? null : readErrors.get(pipeline));
    }

    /** @return the watched pipelines, in the order they were given */
    public List<String> pipelines() {
        return pipelines;
    }

    /**
     * Stops the feed thread (waiting a few seconds at most), closes the backend subscriptions and
     * every subscriber. Does not close the backend. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        List<SubscriberQueue> all;
        synchronized (fanOut) {
            all = new ArrayList<>(subscribers);
        }
        all.forEach(SubscriberQueue::close);
        if (started) {
            feedThread.interrupt();
            try {
                feedThread.join(JOIN_BOUND.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (feedThread.isAlive()) {
                LOG.warn("The status feed thread of {} did not stop within {} ms (a backend call hangs?)",
                        pipelines, JOIN_BOUND.toMillis());
            }
        }
        delivery.shutdownNow();
    }

    @Override
    public String toString() {
        return "StatusFeed[" + pipelines + " in " + backend.description() + "]";
    }

    // ---- feed thread --------------------------------------------------------------------------

    private void run() {
        try {
            long nextRead = System.nanoTime();
            while (!closed) {
                long wait = nextRead - System.nanoTime();
                if (wait <= 0 || missedPush) {
                    missedPush = false;
                    subscribeMissing();
                    readAll();
                    nextRead = System.nanoTime() + (allSubscribed() ? safetyPoll : pollInterval).toNanos();
                    continue;
                }
                PipelineStatus pushed = inbound.poll(wait, TimeUnit.NANOSECONDS);
                if (pushed != null) {
                    PipelineWatch watch = watches.get(pushed.pipeline());
                    if (watch != null) {
                        offer(watch, pushed, false);
                    }
                }
            }
        } catch (InterruptedException e) {
            // closing
        } catch (RuntimeException | Error e) {
            LOG.error("The status feed of {} stopped unexpectedly", pipelines, e);
        } finally {
            unsubscribeAll();
        }
    }

    private boolean allSubscribed() {
        if (!(backend instanceof StatusSubscriptions)) {
            return false;
        }
        for (PipelineWatch w : watches.values()) {
            if (w.subscription == null) {
                return false;
            }
        }
        return true;
    }

    private void subscribeMissing() {
        if (!(backend instanceof StatusSubscriptions pushing)) {
            return;
        }
        long now = System.nanoTime();
        for (PipelineWatch w : watches.values()) {
            if (w.subscription != null || closed
                    || (w.subscribeFailing && now - w.lastSubscribeAttempt < safetyPoll.toNanos())) {
                continue; // while failing, retried every max(pollInterval, 2 s)
            }
            w.lastSubscribeAttempt = now;
            try {
                w.subscription = pushing.subscribe(w.pipeline(), this::pushed);
                if (w.subscribeFailing) {
                    LOG.info("Subscribed to the status of '{}' in {} again", w.pipeline(), backend.description());
                }
                w.subscribeFailing = false;
            } catch (RuntimeException e) {
                if (!w.subscribeFailing) {
                    LOG.warn("Cannot subscribe to the status of '{}' in {}: {}; reading it every {} ms meanwhile",
                            w.pipeline(), backend.description(), e.getMessage(), pollInterval.toMillis());
                }
                w.subscribeFailing = true;
            }
        }
    }

    /** On the backend's thread: hand over, never block. */
    private void pushed(PipelineStatus status) {
        if (!inbound.offer(status)) {
            missedPush = true; // the next read catches up
        }
    }

    private void readAll() {
        for (PipelineWatch w : watches.values()) {
            if (closed) {
                return;
            }
            Optional<PipelineStatus> current;
            try {
                current = backend.readStatus(w.pipeline());
            } catch (RuntimeException e) {
                failed(w, e);
                continue;
            }
            if (w.failingSince != null) {
                LOG.info("The status of '{}' in {} is readable again after {} s", w.pipeline(), backend.description(),
                        Duration.between(w.failingSince, clock.instant()).toSeconds());
                w.failingSince = null;
            }
            readErrors.remove(w.pipeline());
            current.ifPresent(s -> offer(w, s, true));
        }
    }

    private void failed(PipelineWatch w, RuntimeException e) {
        readErrors.put(w.pipeline(), String.valueOf(e.getMessage()));
        if (w.failingSince == null) {
            w.failingSince = clock.instant();
            LOG.warn("Cannot read the status of '{}': {}; retrying every {} ms (logged once until it recovers)",
                    w.pipeline(), e.getMessage(), pollInterval.toMillis());
        } else {
            LOG.debug("Still cannot read the status of '{}': {}", w.pipeline(), e.getMessage());
        }
    }

    private void offer(PipelineWatch watch, PipelineStatus status, boolean fromRead) {
        if (!watch.accept(status, fromRead)) {
            return;
        }
        synchronized (fanOut) {
            latest.put(watch.pipeline(), status);
            for (SubscriberQueue s : subscribers) {
                s.offer(status);
            }
        }
    }

    private void unsubscribeAll() {
        for (PipelineWatch w : watches.values()) {
            if (w.subscription != null) {
                try {
                    w.subscription.close();
                } catch (Exception e) {
                    LOG.debug("Closing the subscription to '{}' failed: {}", w.pipeline(), e.getMessage());
                }
                w.subscription = null;
            }
        }
    }

    /** Builds a {@link StatusFeed}; every setter rejects a bad value with the value in the message. Not thread-safe. */
    public static final class Builder {
        private static final Duration MIN_POLL = Duration.ofMillis(10);
        private static final Duration MAX_POLL = Duration.ofHours(1);

        private final StateBackend backend;
        private final Set<String> pipelines = new LinkedHashSet<>();
        private Duration pollInterval = Duration.ofMillis(250);
        private int subscriberBuffer = 64;
        private Clock clock = Clock.systemUTC();

        private Builder(StateBackend backend) {
            this.backend = backend;
        }

        /**
         * @param names pipelines to watch (added to those given before; duplicates ignored)
         * @return this
         * @throws IllegalArgumentException naming an invalid pipeline name
         */
        public Builder pipelines(String... names) {
            Objects.requireNonNull(names, "names");
            Arrays.stream(names).map(Names::requirePipeline).forEach(pipelines::add);
            return this;
        }

        /**
         * @param interval how often the backend is read when it cannot push documents, and the
         *                 fallback while subscribing fails (default 250 ms, 10 ms to 1 h); with
         *                 pushed documents the safety read runs every {@code max(interval, 2 s)}
         * @return this
         */
        public Builder pollInterval(Duration interval) {
            Objects.requireNonNull(interval, "pollInterval");
            if (interval.compareTo(MIN_POLL) < 0 || interval.compareTo(MAX_POLL) > 0) {
                throw new IllegalArgumentException("pollInterval must be between 10 ms and 1 h, was " + interval);
            }
            this.pollInterval = interval;
            return this;
        }

        /**
         * @param documents how many documents may wait for one slow subscriber before the oldest
         *                  are dropped (default 64, 1 to 10000)
         * @return this
         */
        public Builder subscriberBuffer(int documents) {
            this.subscriberBuffer = Checks.within("subscriberBuffer", documents, 1, 10_000);
            return this;
        }

        /**
         * @param clock wall time for the log lines about failure streaks (default UTC system clock);
         *              waiting uses the monotonic clock
         * @return this
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @return the feed, not started yet ({@link StatusFeed#start()})
         * @throws IllegalStateException when no pipeline was given
         */
        public StatusFeed build() {
            if (pipelines.isEmpty()) {
                throw new IllegalStateException("A status feed needs at least one pipeline: call pipelines(...)");
            }
            return new StatusFeed(this);
        }
    }
}
