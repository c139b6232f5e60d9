package dev.pipelinesdk.core.status;

import dev.pipelinesdk.api.ExportRecord;
import dev.pipelinesdk.api.Lease;
import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.StateBackend;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A real backend, passed through, counting status reads: lets a test wait for "a few more polls". */
final class CountingBackend implements StateBackend {
    final StateBackend inner;
    final AtomicInteger reads = new AtomicInteger();

    CountingBackend(StateBackend inner) {
        this.inner = inner;
    }

    @Override
    public Optional<PipelineStatus> readStatus(String pipeline) {
        reads.incrementAndGet();
        return inner.readStatus(pipeline);
    }

    @Override
    public Optional<Lease> tryAcquire(String pipeline, String owner, Duration ttl) {
        return inner.tryAcquire(pipeline, owner, ttl);
    }

    @Override
    public Optional<String> currentHolder(String pipeline) {
        return inner.currentHolder(pipeline);
    }

    @Override
    public void publishStatus(PipelineStatus status) {
        inner.publishStatus(status);
    }

    @Override
    public void putExport(String pipeline, ExportRecord record) {
        inner.putExport(pipeline, record);
    }

    @Override
    public Optional<ExportRecord> readExport(String pipeline, String id) {
        return inner.readExport(pipeline, id);
    }

    @Override
    public List<ExportRecord> listExports(String pipeline) {
        return inner.listExports(pipeline);
    }

    @Override
    public void deleteExport(String pipeline, String id) {
        inner.deleteExport(pipeline, id);
    }

    @Override
    public String description() {
        return inner.description();
    }

    @Override
    public void close() {
        inner.close();
    }
}
