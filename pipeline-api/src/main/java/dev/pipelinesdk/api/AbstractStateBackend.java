package dev.pipelinesdk.api;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The base of every {@link StateBackend}: validates names and durations, creates {@link Lease}s
 * and enforces their life cycle, encodes and decodes the JSON documents and hides expired export
 * records. A backend implements only the storage primitives below, each of which must be atomic
 * with respect to other processes using the same storage.
 */
public abstract class AbstractStateBackend implements StateBackend {

    /** The shortest lease TTL accepted. */
    public static final Duration MIN_TTL = Duration.ofMillis(10);

    private final Clock clock;

    /** @param clock wall-clock time for export expiry */
    protected AbstractStateBackend(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** @return the backend's wall clock */
    protected final Clock clock() {
        return clock;
    }

    @Override
    public final Optional<Lease> tryAcquire(String pipeline, String owner, Duration ttl) {
        Names.requirePipeline(pipeline);
        Names.requireId(owner, "lease owner");
        requireTtl(ttl);
        OptionalLong token = acquireLease(pipeline, owner, ttl);
        return token.isPresent()
                ? Optional.of(new Lease(this, pipeline, owner, token.getAsLong(), ttl))
                : Optional.empty();
    }

    private static void requireTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.compareTo(MIN_TTL) < 0) {
            throw new IllegalArgumentException("Lease ttl must be at least " + MIN_TTL.toMillis() + " ms, was " + ttl);
        }
    }

    @Override
    public final Optional<String> currentHolder(String pipeline) {
        return readHolder(Names.requirePipeline(pipeline));
    }

    @Override
    public final void publishStatus(PipelineStatus status) {
        Objects.requireNonNull(status, "status");
        writeStatus(status.pipeline(), status.toJson());
    }

    @Override
    public final Optional<PipelineStatus> readStatus(String pipeline) {
        Names.requirePipeline(pipeline);
        byte[] bytes = readStatusBytes(pipeline);
        if (bytes == null) {
            return Optional.empty();
        }
        PipelineStatus status = PipelineStatus.fromJson(bytes, statusLocation(pipeline));
        if (!status.pipeline().equals(pipeline)) {
            throw new StateCorruptedException(statusLocation(pipeline),
                    "document belongs to pipeline '" + status.pipeline() + "', not '" + pipeline + "'", null);
        }
        return Optional.of(status);
    }

    @Override
    public final void putExport(String pipeline, ExportRecord record) {
        Names.requirePipeline(pipeline);
        Objects.requireNonNull(record, "record");
        writeExport(pipeline, record.id(), record.toJson(), record.expiresAt());
    }

    @Override
    public final Optional<ExportRecord> readExport(String pipeline, String id) {
        Names.requirePipeline(pipeline);
        Names.requireId(id, "export id");
        byte[] bytes = readExportBytes(pipeline, id);
        if (bytes == null) {
            return Optional.empty();
        }
        ExportRecord record = ExportRecord.fromJson(bytes, exportLocation(pipeline, id));
        if (record.isExpired(clock.instant())) {
            deleteExportBytes(pipeline, id);
            return Optional.empty();
        }
        return Optional.of(record);
    }

    @Override
    public final List<ExportRecord> listExports(String pipeline) {
        Names.requirePipeline(pipeline);
        List<ExportRecord> records = new ArrayList<>();
        for (String id : listExportIds(pipeline)) {
            readExport(pipeline, id).ifPresent(records::add);
        }
        records.sort(Comparator.comparing(ExportRecord::createdAt).thenComparing(ExportRecord::id));
        return records;
    }

    @Override
    public final void deleteExport(String pipeline, String id) {
        Names.requirePipeline(pipeline);
        Names.requireId(id, "export id");
        deleteExportBytes(pipeline, id);
    }

    // ---- storage primitives -------------------------------------------------------------

    /**
     * Atomically: when no unexpired lease exists for the pipeline, records {@code owner} as holder
     * until now + ttl and increments the pipeline's fence counter.
     *
     * @return the new fence value, or empty when another owner holds an unexpired lease
     */
    protected abstract OptionalLong acquireLease(String pipeline, String owner, Duration ttl);

    /**
     * Atomically: when {@code owner} holds the lease with {@code token}, extends it to now + ttl.
     *
     * @return {@code false} when the lease is no longer this owner's
     */
    protected abstract boolean renewLease(String pipeline, String owner, long token, Duration ttl);

    /** Atomically: when {@code owner} holds the lease with {@code token}, removes it; else nothing. */
    protected abstract void releaseLease(String pipeline, String owner, long token);

    /** @return the owner of the unexpired lease, if any */
    protected abstract Optional<String> readHolder(String pipeline);

    /** Atomically replaces the status bytes (and notifies subscribers, where supported). */
    protected abstract void writeStatus(String pipeline, byte[] json);

    /** @return the stored status bytes, or {@code null} when none */
    protected abstract byte[] readStatusBytes(String pipeline);

    /** @return where the status lives (file path, key), for messages */
    protected abstract String statusLocation(String pipeline);

    /** Stores an export record's bytes, to be forgotten after {@code expiresAt}. */
    protected abstract void writeExport(String pipeline, String id, byte[] json, java.time.Instant expiresAt);

    /** @return the stored export bytes, or {@code null} when none */
    protected abstract byte[] readExportBytes(String pipeline, String id);

    /** @return where an export record lives, for messages */
    protected abstract String exportLocation(String pipeline, String id);

    /** @return the ids of stored export records (expired ones may be included) */
    protected abstract List<String> listExportIds(String pipeline);

    /** Removes an export record's bytes; a no-op when absent. */
    protected abstract void deleteExportBytes(String pipeline, String id);
}
