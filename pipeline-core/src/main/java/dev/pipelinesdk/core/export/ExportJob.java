package dev.pipelinesdk.core.export;

import java.io.OutputStream;

/**
 * Writes one export's content; run by an {@link ExportTracker} on its own threads.
 */
@FunctionalInterface
public interface ExportJob {

    /**
     * Writes the content (e.g. CSV) to {@code out}. Do not close {@code out}: the tracker flushes,
     * forces and closes it once this returns. Check {@link Thread#isInterrupted()} now and then in a
     * long loop: the tracker interrupts jobs still running when it is closed.
     *
     * @param out      where to write; buffered
     * @param progress report how far the job got; cheap to call often
     * @return the data rows written (≥ 0)
     * @throws Exception any failure; the export then fails with a one-line message made from it
     */
    long write(OutputStream out, ExportProgress progress) throws Exception;
}
