package dev.pipelinesdk.core.internal;

import dev.pipelinesdk.api.ContextKey;
import dev.pipelinesdk.api.PhaseContext;
import dev.pipelinesdk.api.PhaseResult;
import dev.pipelinesdk.api.Progress;
import dev.pipelinesdk.api.RunCancelledException;
import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.Trigger;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The context of one attempt of one phase. Progress writes are ordered-but-not-fenced stores
 * ({@code lazySet}), so calling {@link #progress(long, long)} in a tight loop costs next to
 * nothing; the status publisher reads them on its own schedule.
 */
final class AttemptContext implements PhaseContext {

    private final RunExecution run;
    private final String phaseName;
    private final int attempt;
    private final AtomicLong done = new AtomicLong(-1);
    private final AtomicLong total = new AtomicLong();
    private volatile String message;
    private final Map<String, Long> counters = new ConcurrentHashMap<>();
    private volatile boolean stopRequested;
    private volatile boolean finished;
    private PhaseResult result;
    private Throwable error;
    private final Object threadLock = new Object(); // not `this`: a phase may synchronize on its context
    private Thread thread; // the pool thread running the attempt, until it finishes; guarded by threadLock
    private boolean interruptRequested; // guarded by threadLock

    AttemptContext(RunExecution run, String phaseName, int attempt) {
        this.run = run;
        this.phaseName = phaseName;
        this.attempt = attempt;
    }

    @Override
    public String runId() {
        return run.runId();
    }

    @Override
    public String pipeline() {
        return run.pipelineName();
    }

    @Override
    public Trigger trigger() {
        return run.trigger();
    }

    @Override
    public RunMode mode() {
        return run.mode();
    }

    @Override
    public long fencingToken() {
        return run.fencingToken();
    }

    @Override
    public String phaseName() {
        return phaseName;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public void progress(long done, long total) {
        if (done < 0 || total < 0) {
            throw new IllegalArgumentException("progress(done, total) needs done >= 0 and total >= 0 (0 = unknown), was ("
                    + done + ", " + total + ")");
        }
        this.total.lazySet(total);
        this.done.lazySet(done);
    }

    @Override
    public void message(String message) {
        this.message = message;
    }

    @Override
    public void count(String name, long delta) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("counter name must not be blank");
        }
        counters.merge(name, delta, Long::sum);
    }

    @Override
    public Map<String, Long> counters() {
        return Map.copyOf(new TreeMap<>(counters));
    }

    @Override
    public boolean isCancelled() {
        return stopRequested || run.isStopping();
    }

    @Override
    public void throwIfCancelled() {
        if (isCancelled()) {
            throw new RunCancelledException("Run " + run.runId() + " of '" + run.pipelineName()
                    + "' is stopping (phase '" + phaseName + "')");
        }
    }

    @Override
    public <T> void put(ContextKey<T> key, T value) {
        run.putValue(key, value);
    }

    @Override
    public <T> Optional<T> get(ContextKey<T> key) {
        return run.getValue(key);
    }

    @Override
    public <T> T require(ContextKey<T> key) {
        return get(key).orElseThrow(() -> new IllegalStateException("No value for context key '" + key.name()
                + "' in run " + run.runId() + " (mode " + run.mode() + "): the phase that puts it did not run"));
    }

    @Override
    public Path workDir() {
        return run.workDir();
    }

    /** @return the progress last reported, or {@code null} when none */
    Progress progressSnapshot() {
        long d = done.get();
        return d < 0 ? null : new Progress(d, total.get());
    }

    String messageSnapshot() {
        return message;
    }

    void requestStop() {
        stopRequested = true;
    }

    /** Called on the phase thread before the phase runs; delivers an interrupt asked for before. */
    void attach(Thread runningOn) {
        synchronized (threadLock) {
            this.thread = runningOn;
            if (interruptRequested) {
                runningOn.interrupt();
            }
        }
    }

    /**
     * Called on the phase thread when it ends; the monitor is notified by the caller. After this,
     * {@link #interruptIfRunning()} no longer touches the thread, which goes back to its pool.
     */
    void finish(PhaseResult result, Throwable error) {
        synchronized (threadLock) {
            this.result = result;
            this.error = error;
            this.finished = true;
            this.thread = null;
        }
    }

    /**
     * Interrupts the thread running the attempt, unless the attempt has finished: a pool thread
     * that has moved on to other work is never interrupted. Asked before the attempt's thread has
     * picked it up, the interrupt is delivered when it does.
     */
    void interruptIfRunning() {
        synchronized (threadLock) {
            if (finished) {
                return;
            }
            interruptRequested = true;
            if (thread != null) {
                thread.interrupt();
            }
        }
    }

    /** @return the name of the thread running the attempt, for log lines */
    String threadName() {
        synchronized (threadLock) {
            return finished ? "(finished)" : thread == null ? "(not started yet)" : thread.getName();
        }
    }

    boolean isFinished() {
        return finished;
    }

    PhaseResult result() {
        return result;
    }

    Throwable error() {
        return error;
    }
}
