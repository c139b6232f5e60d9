package dev.pipelinesdk.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where a pipeline's lease, status document and export records live, shared by every process
 * that runs or watches the pipeline. Implementations extend {@link AbstractStateBackend}, which
 * validates arguments and enforces the {@link Lease} life cycle once for all of them; every
 * implementation passes the contract suite ({@code StateBackendContractTest} in the test-jar).
 *
 * <p>Implementations are thread-safe. Failures to reach the storage throw
 * {@link StateBackendException}; unreadable stored values throw {@link StateCorruptedException}.
 */
public interface StateBackend extends AutoCloseable {

    /**
     * Tries to take the pipeline's lease. Never blocks waiting for another holder.
     *
     * @param pipeline the pipeline's name
     * @param owner    the would-be holder's id (the runner uses the run id)
     * @param ttl      how long the lease lasts unless renewed
     * @return the lease, carrying a fencing token larger than every token issued before for this
     *     pipeline; empty when another owner holds an unexpired lease
     * @throws StateBackendException when the storage cannot be reached
     */
    Optional<Lease> tryAcquire(String pipeline, String owner, Duration ttl);

    /**
     * @param pipeline the pipeline's name
     * @return the owner of the pipeline's unexpired lease, if any
     * @throws StateBackendException when the storage cannot be reached
     */
    Optional<String> currentHolder(String pipeline);

    /**
     * Replaces the pipeline's status document (atomically: readers see the old or the new one,
     * never a mix) and notifies subscribers where the backend supports them.
     *
     * @param status the document
     * @throws StateBackendException when the storage cannot be reached
     */
    void publishStatus(PipelineStatus status);

    /**
     * @param pipeline the pipeline's name
     * @return the stored status document, empty when none was ever published
     * @throws StateCorruptedException naming the location when the stored bytes are unreadable
     * @throws StateBackendException when the storage cannot be reached
     */
    Optional<PipelineStatus> readStatus(String pipeline);

    /**
     * Creates or replaces an export record. It disappears after its {@link ExportRecord#expiresAt()}.
     *
     * @param pipeline the pipeline the export belongs to
     * @param record   the record
     */
    void putExport(String pipeline, ExportRecord record);

    /**
     * @param pipeline the pipeline the export belongs to
     * @param id       the export's id
     * @return the record, empty when unknown or expired
     */
    Optional<ExportRecord> readExport(String pipeline, String id);

    /**
     * @param pipeline the pipeline the exports belong to
     * @return the unexpired export records, oldest first
     */
    List<ExportRecord> listExports(String pipeline);

    /**
     * Removes an export record; a no-op when it does not exist.
     *
     * @param pipeline the pipeline the export belongs to
     * @param id       the export's id
     */
    void deleteExport(String pipeline, String id);

    /** @return where the state lives, for logs (a directory, a URL with any password masked) */
    String description();

    /** Releases connections, file handles and threads. Leases still held are released. */
    @Override
    void close();
}
