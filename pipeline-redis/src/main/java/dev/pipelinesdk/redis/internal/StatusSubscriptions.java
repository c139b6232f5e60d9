package dev.pipelinesdk.redis.internal;

import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.redis.StatusSubscription;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscriptions of one backend on its pub/sub connection. Redis is subscribed once per channel
 * (and pattern), however many listeners share it. Messages are parsed and handed to listeners on
 * one delivery thread, in the order they arrived, never on Lettuce's I/O thread (a listener may
 * call the backend). A message that is not a readable status document is logged (at most once a
 * minute per channel) and skipped; a listener's exception is logged and ignored.
 */
public final class StatusSubscriptions extends RedisPubSubAdapter<String, byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(StatusSubscriptions.class);
    private static final long WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final RedisConnections connections;
    private final RedisKeys keys;
    private final Object lock = new Object();
    private final Map<String, List<Subscription>> byChannel = new ConcurrentHashMap<>();
    private final Map<String, List<Subscription>> byPattern = new ConcurrentHashMap<>();
    private final Map<String, Long> lastWarning = new ConcurrentHashMap<>();
    private volatile ExecutorService delivery;
    private volatile boolean closed;

    /**
     * @param connections the backend's connections
     * @param keys        the key layout
     */
    public StatusSubscriptions(RedisConnections connections, RedisKeys keys) {
        this.connections = connections;
        this.keys = keys;
    }

    /**
     * Subscribes to one pipeline's channel; returns once Redis confirmed the subscription.
     *
     * @param pipeline a valid pipeline name
     * @param listener receives each published document of that pipeline
     * @return the subscription
     */
    public StatusSubscription subscribe(String pipeline, Consumer<PipelineStatus> listener) {
        return add(keys.events(pipeline), false, listener, "subscribe to the status of '" + pipeline + "'");
    }

    /**
     * Subscribes to every pipeline's channel (PSUBSCRIBE {@code {prefix}*:events}).
     *
     * @param listener receives each published document of any pipeline
     * @return the subscription
     */
    public StatusSubscription subscribeAll(Consumer<PipelineStatus> listener) {
        return add(keys.eventsPattern(), true, listener, "subscribe to the status of every pipeline");
    }

    private StatusSubscription add(String channel, boolean pattern, Consumer<PipelineStatus> listener,
                                   String operation) {
        synchronized (lock) {
            if (closed) {
                throw connections.failures().closed(operation);
            }
            StatefulRedisPubSubConnection<String, byte[]> connection = connections.pubSub(operation, this);
            startDelivery();
            Map<String, List<Subscription>> map = pattern ? byPattern : byChannel;
            List<Subscription> list = map.computeIfAbsent(channel, k -> new CopyOnWriteArrayList<>());
            Subscription subscription = new Subscription(channel, pattern, listener);
            boolean first = list.isEmpty();
            list.add(subscription);
            if (first) {
                try {
                    if (pattern) {
                        connection.sync().psubscribe(channel);
                    } else {
                        connection.sync().subscribe(channel);
                    }
                } catch (RuntimeException e) {
                    list.remove(subscription);
                    map.remove(channel, List.of());
                    subscription.closed.set(true);
                    throw connections.failures().operationFailed(operation, e);
                }
            }
            return subscription;
        }
    }

    private void startDelivery() {
        if (delivery == null) {
            ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                    new LinkedBlockingQueue<>(), r -> {
                        Thread t = new Thread(r, "pipeline-redis-events-" + THREADS.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            delivery = executor;
        }
    }

    private void remove(Subscription subscription) {
        synchronized (lock) {
            Map<String, List<Subscription>> map = subscription.pattern ? byPattern : byChannel;
            List<Subscription> list = map.get(subscription.channel);
            if (list == null || !list.remove(subscription) || !list.isEmpty()) {
                return;
            }
            map.remove(subscription.channel);
            if (closed) {
                return;
            }
            try {
                StatefulRedisPubSubConnection<String, byte[]> connection =
                        connections.pubSub("unsubscribe from " + subscription.channel, this);
                if (subscription.pattern) {
                    connection.sync().punsubscribe(subscription.channel);
                } else {
                    connection.sync().unsubscribe(subscription.channel);
                }
            } catch (RuntimeException e) {
                LOG.debug("Unsubscribing from {} failed; its messages are ignored: {}", subscription.channel,
                        e.getMessage());
            }
        }
    }

    // ---- messages (on Lettuce's I/O thread) ---------------------------------------------------

    @Override
    public void message(String channel, byte[] message) {
        List<Subscription> list = byChannel.get(channel);
        if (list != null && !list.isEmpty()) {
            deliver(() -> dispatch(channel, message, list));
        }
    }

    @Override
    public void message(String pattern, String channel, byte[] message) {
        List<Subscription> list = byPattern.get(pattern);
        if (list != null && !list.isEmpty()) {
            deliver(() -> dispatch(channel, message, list));
        }
    }

    private void deliver(Runnable task) {
        ExecutorService executor = delivery;
        if (executor == null || closed) {
            return;
        }
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    // ---- delivery thread ----------------------------------------------------------------------

    private void dispatch(String channel, byte[] message, List<Subscription> list) {
        Optional<String> pipeline = keys.pipelineOfChannel(channel);
        if (pipeline.isEmpty()) {
            LOG.debug("Ignoring a message on {}: not a pipeline events channel", channel);
            return;
        }
        PipelineStatus status;
        try {
            status = PipelineStatus.fromJson(message, "a message on Redis channel " + channel);
        } catch (RuntimeException e) {
            warn(channel, "Skipping a message on Redis channel {} that is not a status document: {}", channel,
                    e.getMessage());
            return;
        }
        if (!status.pipeline().equals(pipeline.get())) {
            warn(channel, "Skipping a message on Redis channel {}: it is the status of pipeline '{}'", channel,
                    status.pipeline());
            return;
        }
        for (Subscription s : list) {
            s.deliver(status);
        }
    }

    private void warn(String key, String format, Object... args) {
        long now = System.nanoTime();
        Long last = lastWarning.get(key);
        if (last == null || now - last >= WARN_INTERVAL_NANOS) {
            lastWarning.put(key, now);
            LOG.warn(format, args);
        } else {
            LOG.debug(format, args);
        }
    }

    /** Closes every subscription and stops the delivery thread (the connection is closed by its owner). */
    public void close() {
        List<Subscription> all = new java.util.ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            byChannel.values().forEach(all::addAll);
            byPattern.values().forEach(all::addAll);
            byChannel.clear();
            byPattern.clear();
        }
        all.forEach(s -> s.closed.set(true));
        ExecutorService executor = delivery;
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private final class Subscription implements StatusSubscription {
        private final String channel;
        private final boolean pattern;
        private final Consumer<PipelineStatus> listener;
        private final AtomicBoolean closed = new AtomicBoolean();

        Subscription(String channel, boolean pattern, Consumer<PipelineStatus> listener) {
            this.channel = channel;
            this.pattern = pattern;
            this.listener = listener;
        }

        void deliver(PipelineStatus status) {
            if (closed.get()) {
                return;
            }
            try {
                listener.accept(status);
            } catch (RuntimeException e) {
                warn("listener@" + System.identityHashCode(this), "A status listener on {} threw; ignored", channel, e);
            }
        }

        @Override
        public String channel() {
            return channel;
        }

        @Override
        public boolean isClosed() {
            return closed.get();
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                remove(this);
            }
        }

        @Override
        public String toString() {
            return "StatusSubscription[" + channel + (closed.get() ? ", closed" : "") + "]";
        }
    }
}
