package dev.pipelinesdk.core.export;

import dev.pipelinesdk.api.StateBackend;
import dev.pipelinesdk.file.FileStateBackend;
import java.nio.file.Path;
import java.time.Clock;

class FileExportTrackerTest extends ExportTrackerContractTest {
    @Override
    StateBackend newBackend(Path tmp, Clock clock) {
        return FileStateBackend.builder(tmp.resolve("state")).clock(clock).build();
    }
}
