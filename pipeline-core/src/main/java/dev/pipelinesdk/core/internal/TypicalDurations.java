package dev.pipelinesdk.core.internal;

import dev.pipelinesdk.core.RunHistory;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The typical phase durations a run weighs its progress and ETA with, kept per pipeline between
 * the runs of one runner so that a run does not query the history before its first phase.
 *
 * <p>When a run of this runner succeeds, the durations are read again in the background (off the
 * run's path, on the history thread); the next run waits for that read if it is still going (at
 * most the given bound, then it uses what it had), so it normally sees every run this runner
 * recorded before it. Runs recorded by other processes are seen once the kept value is older than
 * {@link #MAX_AGE}: then the next run reads it itself. A failed read keeps the previous value (or
 * none), is logged, and is tried again by the next run. Not part of the public API.
 */
public final class TypicalDurations {
    private static final Logger log = LoggerFactory.getLogger(TypicalDurations.class);

    /** How long a value read from the history is used without reading it again. */
    static final Duration MAX_AGE = Duration.ofMinutes(1);

    /**
     * @param value       the durations
     * @param fresh       whether {@code value} came from a successful read
     * @param readAtNanos when that read was ({@link System#nanoTime()}); meaningful when fresh
     * @param refresh     a background read in progress, or {@code null}
     */
    private record Kept(Map<String, Duration> value, boolean fresh, long readAtNanos, CompletableFuture<Kept> refresh) {
    }

    private final RunHistory history;
    private final Map<String, Kept> kept = new ConcurrentHashMap<>();

    public TypicalDurations(RunHistory history) {
        this.history = history;
    }

    /**
     * @param pipeline the pipeline's name
     * @param maxWait  the longest wait for a background read in progress
     * @return its typical phase durations (empty when unknown or the history cannot be read)
     */
    public Map<String, Duration> of(String pipeline, Duration maxWait) {
        Kept k = kept.get(pipeline);
        if (k != null && k.refresh() != null) {
            Kept done = awaitRefresh(k.refresh(), maxWait);
            if (done == null) {
                return k.value(); // still reading (or not started): what was kept before
            }
            k = done;
        }
        if (k != null && k.fresh() && System.nanoTime() - k.readAtNanos() < MAX_AGE.toNanos()) {
            return k.value();
        }
        Kept read = read(pipeline, k == null ? Map.of() : k.value());
        kept.put(pipeline, read);
        return read.value();
    }

    /**
     * After a successful run of this runner is recorded: reads the durations again on the given
     * executor, so that the next run's read is already done.
     *
     * @param pipeline the pipeline's name
     * @param executor the history thread
     */
    void runSucceeded(String pipeline, Executor executor) {
        CompletableFuture<Kept> refresh = new CompletableFuture<>();
        Kept before = kept.get(pipeline);
        Map<String, Duration> previous = before == null ? Map.of() : before.value();
        kept.put(pipeline, new Kept(previous, false, 0, refresh));
        try {
            executor.execute(() -> {
                Kept read = null;
                try {
                    read = read(pipeline, previous);
                    kept.put(pipeline, read);
                } finally {
                    if (read == null) {
                        kept.remove(pipeline); // an Error: the next run reads it itself
                    }
                    refresh.complete(read);
                }
            });
        } catch (RejectedExecutionException e) {
            kept.remove(pipeline); // the runner is closing; a later run (if any) reads it itself
            refresh.complete(null);
        }
    }

    /** @return the read's result, or {@code null} when it did not complete in time or was not started */
    private static Kept awaitRefresh(CompletableFuture<Kept> refresh, Duration maxWait) {
        try {
            return refresh.get(maxWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    private Kept read(String pipeline, Map<String, Duration> previous) {
        try {
            return new Kept(Collections.unmodifiableMap(new LinkedHashMap<>(history.typicalPhaseDurations(pipeline))),
                    true, System.nanoTime(), null);
        } catch (RuntimeException e) {
            log.warn("Could not read typical phase durations of '{}' (ETA from {}): {}", pipeline,
                    previous.isEmpty() ? "live progress only" : "the durations read before", e.getMessage());
            return new Kept(previous, false, 0, null);
        }
    }
}
