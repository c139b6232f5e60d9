package dev.pipelinesdk.embeddedpg;

import dev.pipelinesdk.embeddedpg.internal.FileModes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Temporary directories the server user (nobody, when the tests run as root) may traverse. */
final class TempDirs {

    private TempDirs() {
    }

    /** @return a new directory of mode 0711 under java.io.tmpdir (JUnit's {@code @TempDir} is 0700) */
    static Path create(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        FileModes.set(dir, 0711);
        return dir;
    }

    static void delete(Path dir) {
        try {
            FileModes.deleteTree(dir);
        } catch (IOException e) {
            // a temporary directory: nothing more to do
        }
    }
}
