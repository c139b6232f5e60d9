package dev.pipelinesdk.core.notify;

import dev.pipelinesdk.api.RunReport;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded queue and the one daemon thread behind a {@link WebhookNotifier}: {@link #offer}
 * never blocks, the thread sends with retries, {@link #close()} drains for a bounded time. Log
 * lines name the notifier's class and the masked URL.
 */
final class WebhookSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final String target;
    private final String masked;
    private final HttpClient client;
    private final HttpRequest.Builder template; // used by the sender thread only, through copy()
    private final int attempts;
    private final Duration backoff;
    private final Duration maxBackoff;
    private final Duration drainTimeout;
    private final int capacity;
    private final Clock clock;

    private final Object lock = new Object();
    private final ArrayDeque<RunReport> queue = new ArrayDeque<>(); // guarded by lock
    private boolean closed; // guarded by lock
    private boolean sending; // guarded by lock
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;

    /**
     * Starts the sender thread.
     *
     * @param target       the request URL without user info, to redact from error messages
     * @param masked       the URL as logged
     * @param client       the HTTP client
     * @param template     the request, to copy and complete with a body per attempt
     * @param attempts     tries per notification
     * @param backoff      the wait after the first failed try, doubled after each further one
     * @param maxBackoff   the longest wait
     * @param drainTimeout how long {@link #close()} keeps sending
     * @param capacity     the most notifications waiting
     * @param clock        gives {@code sentAt}
     */
    WebhookSender(String target, String masked, HttpClient client, HttpRequest.Builder template, int attempts,
                  Duration backoff, Duration maxBackoff, Duration drainTimeout, int capacity, Clock clock) {
        this.target = target;
        this.masked = masked;
        this.client = client;
        this.template = template;
        this.attempts = attempts;
        this.backoff = backoff;
        this.maxBackoff = maxBackoff;
        this.drainTimeout = drainTimeout;
        this.capacity = capacity;
        this.clock = clock;
        this.thread = new Thread(this::sendLoop, "pipeline-webhook-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
    }

    long delivered() {
        return delivered.get();
    }

    long failed() {
        return failed.get();
    }

    long dropped() {
        return dropped.get();
    }

    int pending() {
        synchronized (lock) {
            return queue.size() + (sending ? 1 : 0);
        }
    }

    boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** Queues a run to send; drops the oldest waiting one when full; never blocks, never throws. */
    void offer(RunReport report) {
        try {
            RunReport evicted = null;
            synchronized (lock) {
                if (!closed) {
                    if (queue.size() >= capacity) {
                        evicted = queue.pollFirst();
                    }
                    queue.addLast(report);
                    lock.notifyAll();
                    report = null;
                }
            }
            if (report != null) {
                LOG.warn("Webhook {} is closed; not sending {}", masked, what(report));
                dropped.incrementAndGet();
            } else if (evicted != null) {
                LOG.warn("Webhook queue for {} is full ({} waiting); dropped the oldest: {}", masked, capacity, what(evicted));
                dropped.incrementAndGet();
            }
        } catch (RuntimeException e) {
            LOG.warn("Webhook {} could not queue a notification: {}", masked, e.toString());
        }
    }

    private void sendLoop() {
        while (true) {
            RunReport next;
            synchronized (lock) {
                while (queue.isEmpty() && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                next = queue.pollFirst();
                if (next == null) {
                    return;
                }
                sending = true;
            }
            try {
                deliver(next);
            } catch (RuntimeException | Error e) {
                LOG.error("Webhook {}: sending {} failed unexpectedly", masked, what(next), e);
                failed.incrementAndGet();
            } finally {
                synchronized (lock) {
                    sending = false;
                }
            }
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }

    private void deliver(RunReport report) {
        for (int attempt = 1; attempt <= attempts; attempt++) {
            String problem;
            boolean retryable;
            try {
                HttpRequest request = template.copy()
                        .POST(HttpRequest.BodyPublishers.ofByteArray(WebhookJson.body(report, clock.instant()))).build();
                int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status >= 200 && status < 300) {
                    delivered.incrementAndGet();
                    LOG.debug("Webhook {} accepted {} with {}", masked, what(report), status);
                    return;
                }
                problem = "answered HTTP " + status;
                retryable = status >= 500 || status == 408 || status == 429;
            } catch (IOException e) {
                problem = "failed: " + redact(e.toString());
                retryable = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.error("Webhook {}: stopped while sending {}; it was not delivered", masked, what(report));
                dropped.incrementAndGet();
                return;
            }
            if (!retryable || attempt == attempts) {
                LOG.error("Webhook {} {} for {}; gave up after {} attempt{}{}", masked, problem, what(report), attempt,
                        attempt == 1 ? "" : "s", retryable ? "" : " (not retried)");
                failed.incrementAndGet(); // after the log line, so that whoever waits on the count finds it
                return;
            }
            Duration wait = backoff(backoff, maxBackoff, attempt);
            LOG.warn("Webhook {} {} for {} (attempt {} of {}); retrying in {} ms", masked, problem, what(report),
                    attempt, attempts, wait.toMillis());
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.error("Webhook {}: stopped while waiting to retry {}; it was not delivered", masked, what(report));
                dropped.incrementAndGet();
                return;
            }
        }
    }

    /**
     * @return the wait after failed attempt {@code attempt} (1-based): {@code initial} doubled after
     *     each further failure, at most {@code max}
     */
    static Duration backoff(Duration initial, Duration max, int attempt) {
        Duration wait = initial;
        for (int i = 1; i < attempt && wait.compareTo(max) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(max) > 0 ? max : wait;
    }

    private String redact(String text) {
        return text.replace(target, masked);
    }

    private static String what(RunReport report) {
        return Outcomes.event(report.outcome()) + " of pipeline '" + Outcomes.oneLine(report.pipeline()) + "' run "
                + Outcomes.oneLine(report.runId());
    }

    /** Stops taking runs, sends the queued ones for at most the drain timeout, then stops the thread. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            lock.notifyAll();
        }
        if (Thread.currentThread() == thread) {
            return;
        }
        try {
            thread.join(Math.max(1, drainTimeout.toMillis()));
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(1_000);
            }
        } catch (InterruptedException e) {
            thread.interrupt();
            Thread.currentThread().interrupt();
        }
        int left;
        synchronized (lock) {
            left = queue.size();
            queue.clear();
        }
        if (left > 0) {
            LOG.error("Webhook {} closed with {} notification{} not sent within the drain timeout of {} ms", masked, left,
                    left == 1 ? "" : "s", drainTimeout.toMillis());
            dropped.addAndGet(left);
        }
    }
}
