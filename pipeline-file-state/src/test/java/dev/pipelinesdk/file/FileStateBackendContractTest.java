package dev.pipelinesdk.file;

import dev.pipelinesdk.api.StateBackend;
import dev.pipelinesdk.api.StateBackendContractTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The shared backend contract, run against {@link FileStateBackend}: every call of {@link #newBackend()} is a new instance. */
class FileStateBackendContractTest extends StateBackendContractTest {

    @TempDir
    Path dir;

    @Override
    protected StateBackend newBackend() {
        return FileStateBackend.open(dir);
    }

    @Override
    protected void writeRawStatus(String pipeline, byte[] bytes) throws Exception {
        Path file = dir.resolve(pipeline).resolve("status.json");
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    @Override
    protected byte[] readRawStatus(String pipeline) throws Exception {
        return Files.readAllBytes(dir.resolve(pipeline).resolve("status.json"));
    }
}
