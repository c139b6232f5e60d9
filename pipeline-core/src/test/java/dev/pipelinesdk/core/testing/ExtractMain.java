package dev.pipelinesdk.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Child JVM for {@link PostgresBinariesTest}: {@code ExtractMain GO_FILE} prints {@code READY},
 * waits (at most 60 s) until GO_FILE exists, extracts the binaries into {@code java.io.tmpdir}
 * and prints {@code HOME <directory>}.
 */
public final class ExtractMain {

    private ExtractMain() {
    }

    /**
     * @param args the file whose existence starts the extraction
     * @throws Exception on any failure (exit code 1 and a stack trace)
     */
    public static void main(String[] args) throws Exception {
        Path go = Path.of(args[0]);
        System.out.println("READY");
        System.out.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(go)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no go file " + go + " within 60 s");
            }
            Thread.sleep(2);
        }
        System.out.println("HOME " + PostgresBinaries.home());
        System.out.flush();
    }
}
