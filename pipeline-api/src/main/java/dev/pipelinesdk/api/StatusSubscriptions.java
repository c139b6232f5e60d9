package dev.pipelinesdk.api;

import java.util.function.Consumer;

/**
 * An optional capability of a {@link StateBackend}: pushing each published status document to
 * listeners as it is published, so that a watcher need not poll {@link StateBackend#readStatus}
 * quickly. A watcher checks {@code backend instanceof StatusSubscriptions}.
 *
 * <p>Delivery is best effort: documents published while the backend is disconnected from its
 * storage may be missed, so a watcher still reads the status now and then (after a gap at least).
 */
public interface StatusSubscriptions {

    /**
     * Listens to one pipeline's published status documents.
     *
     * @param pipeline the pipeline's name
     * @param listener receives each published document, in publish order, on the backend's own
     *                 delivery thread: it must return quickly and never block (hand the document
     *                 over to another thread); an exception it throws is logged and ignored
     * @return the subscription; closing it stops deliveries and never throws
     * @throws IllegalArgumentException when the name is invalid
     * @throws StateBackendException    when the storage cannot be reached
     */
    AutoCloseable subscribe(String pipeline, Consumer<PipelineStatus> listener);
}
