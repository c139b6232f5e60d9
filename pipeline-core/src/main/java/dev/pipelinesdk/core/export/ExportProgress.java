package dev.pipelinesdk.core.export;

/**
 * Where an {@link ExportJob} reports how far it got. Calls are cheap in-memory writes; the tracker
 * stores the latest value in the export record at most every ~250 ms.
 */
@FunctionalInterface
public interface ExportProgress {

    /**
     * @param done  units done (≥ 0)
     * @param total units in all, or 0 when unknown
     * @throws IllegalArgumentException when a value is negative
     */
    void progress(long done, long total);
}
