package dev.pipelinesdk.core.status.internal;

import dev.pipelinesdk.api.PipelineStatus;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber's bounded queue of documents and its delivery: documents are handed to the
 * listener one at a time, in order, by a task on the shared delivery executor, so a listener that
 * blocks holds up only itself. When the queue is full the oldest waiting document is dropped.
 */
public final class SubscriberQueue {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriberQueue.class);

    private final Consumer<PipelineStatus> listener;
    private final int capacity;
    private final Executor executor;
    private final Runnable onClose;
    private final ArrayDeque<PipelineStatus> pending;
    private boolean draining;
    private boolean closed;
    private long dropped;
    private boolean warnedListener;

    /**
     * @param listener the subscriber's listener
     * @param capacity documents waiting at most
     * @param executor runs the delivery task
     * @param onClose  called once when the subscriber closes
     */
    public SubscriberQueue(Consumer<PipelineStatus> listener, int capacity, Executor executor, Runnable onClose) {
        this.listener = listener;
        this.capacity = capacity;
        this.executor = executor;
        this.onClose = onClose;
        this.pending = new ArrayDeque<>(Math.min(capacity, 16));
    }

    /**
     * Queues a document without blocking; drops the oldest waiting one when full.
     *
     * @param status the document
     */
    public void offer(PipelineStatus status) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (pending.size() >= capacity) {
                pending.pollFirst();
                dropped++;
            }
            pending.addLast(status);
            if (draining) {
                return;
            }
            draining = true;
        }
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                draining = false;
            }
        }
    }

    private void drain() {
        while (true) {
            PipelineStatus next;
            synchronized (this) {
                next = closed ? null : pending.pollFirst();
                if (next == null) {
                    draining = false;
                    return;
                }
            }
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                boolean first;
                synchronized (this) {
                    first = !warnedListener;
                    warnedListener = true;
                }
                if (first) {
                    LOG.warn("A status feed listener threw while handling the status of '{}'; ignored "
                            + "(later failures of this listener are logged at DEBUG)", next.pipeline(), e);
                } else {
                    LOG.debug("A status feed listener threw while handling the status of '{}'; ignored",
                            next.pipeline(), e);
                }
            }
        }
    }

    /** @return documents dropped because the queue was full */
    public synchronized long dropped() {
        return dropped;
    }

    /** @return {@code true} once closed */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** Stops deliveries and drops what is waiting; idempotent. */
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            pending.clear();
        }
        onClose.run();
    }
}
