package dev.pipelinesdk.core.export;

import dev.pipelinesdk.api.StateBackend;
import dev.pipelinesdk.core.InMemoryStateBackend;
import java.nio.file.Path;
import java.time.Clock;

class InMemoryExportTrackerTest extends ExportTrackerContractTest {
    @Override
    StateBackend newBackend(Path tmp, Clock clock) {
        return new InMemoryStateBackend(clock);
    }
}
