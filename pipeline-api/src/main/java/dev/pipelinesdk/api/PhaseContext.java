package dev.pipelinesdk.api;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What a running phase sees of its run. Each attempt of a phase gets its own context (a retry
 * starts with no progress, message or counters); values put with {@link #put(ContextKey, Object)}
 * belong to the run and are shared by all its phases. A context is safe to call from threads the
 * phase starts. Progress, message and counter updates are cheap in-memory writes: the runner
 * publishes them to the state backend at most every ~250 ms, so calling
 * {@link #progress(long, long)} once per record is fine.
 */
public interface PhaseContext {

    /** @return this run's id (also the lease owner while the run holds it) */
    String runId();

    /** @return the pipeline's name */
    String pipeline();

    /** @return who started this run */
    Trigger trigger();

    /** @return which phases this run executes */
    RunMode mode();

    /**
     * @return the lease's fencing token: strictly larger than every token issued before for this
     *     pipeline. Store it with the data you write and refuse writes that carry a smaller one.
     */
    long fencingToken();

    /** @return the name of the phase currently running */
    String phaseName();

    /** @return 1 for the first attempt of the current phase, 2 for its first retry, ... */
    int attempt();

    /**
     * Reports progress of the current phase.
     *
     * @param done  units done so far (≥ 0)
     * @param total units in all, or 0 when unknown
     */
    void progress(long done, long total);

    /** @param message a short human-readable line shown in the status, e.g. "Matched 12,000 of 50,000 stops" */
    void message(String message);

    /**
     * Adds to a named counter of the current attempt (rows read, rows written, ...). The counters of
     * a phase's last attempt appear in the run report and the run history.
     *
     * @param name  counter name
     * @param delta amount to add
     */
    void count(String name, long delta);

    /** @return the current phase's counters so far */
    Map<String, Long> counters();

    /**
     * @return {@code true} once the run has been asked to stop (timeout, lost lease, cancel,
     *     shutdown). Check it in loops and return or throw promptly.
     */
    boolean isCancelled();

    /**
     * @throws RunCancelledException when {@link #isCancelled()} is {@code true}
     */
    void throwIfCancelled();

    /**
     * Hands a value to later phases of this run.
     *
     * @param key   the typed key
     * @param value the value, not {@code null}
     * @param <T>   the value type
     */
    <T> void put(ContextKey<T> key, T value);

    /**
     * @param key the typed key
     * @param <T> the value type
     * @return the value an earlier phase put, if any
     */
    <T> Optional<T> get(ContextKey<T> key);

    /**
     * @param key the typed key
     * @param <T> the value type
     * @return the value an earlier phase put
     * @throws IllegalStateException naming the key when no phase put it (e.g. the run mode skipped
     *     the phase that produces it)
     */
    <T> T require(ContextKey<T> key);

    /**
     * @return a directory private to this run (created on first call, owner-only permissions),
     *     shared by its phases and deleted when the run ends
     */
    Path workDir();
}
