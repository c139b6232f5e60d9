package dev.pipelinesdk.core.export.internal;

import dev.pipelinesdk.api.ExportRecord;
import dev.pipelinesdk.api.Progress;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An export this tracker is running. Writes of its record synchronize on this object, and once
 * {@link #finished} is set (completed, failed, or given up at close) no other record is written.
 */
public final class RunningExport {

    /** The export's file stem. */
    public final String stem;
    /** The record as started. */
    public final ExportRecord started;
    private final AtomicReference<Progress> progress = new AtomicReference<>();
    private volatile boolean dirty;
    /** Set, under this object's lock, once the final record was written. */
    public boolean finished;

    /**
     * @param stem    the file stem
     * @param started the RUNNING record
     */
    public RunningExport(String stem, ExportRecord started) {
        this.stem = stem;
        this.started = started;
    }

    /**
     * Remembers the latest progress (cheap; the flusher stores it).
     *
     * @param done  units done
     * @param total units in all, 0 when unknown
     */
    public void progress(long done, long total) {
        progress.set(new Progress(done, total));
        dirty = true;
    }

    /** @return the latest progress, {@code null} when none was reported */
    public Progress progress() {
        return progress.get();
    }

    /** @return {@code true} when progress changed since the last call; clears the flag */
    public boolean takeDirty() {
        boolean was = dirty;
        dirty = false;
        return was;
    }
}
