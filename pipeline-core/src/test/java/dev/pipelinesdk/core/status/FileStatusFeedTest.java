package dev.pipelinesdk.core.status;

import dev.pipelinesdk.api.StateBackend;
import dev.pipelinesdk.file.FileStateBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileStatusFeedTest extends StatusFeedContractTest {

    @TempDir
    Path dir;

    @Override
    StateBackend newBackend() {
        return FileStateBackend.open(dir.resolve("state"));
    }

    @Override
    void corrupt(StateBackend backend, String pipeline) throws Exception {
        Path file = dir.resolve("state").resolve(pipeline).resolve("status.json");
        Path temp = file.resolveSibling("corrupt.tmp");
        Files.write(temp, "{not json".getBytes(StandardCharsets.UTF_8));
        Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
