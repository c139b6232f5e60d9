package dev.pipelinesdk.embeddedpg.internal;

import dev.pipelinesdk.api.testing.ChildJvm;
import java.nio.file.Path;

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
        ChildJvm.readyThenAwait(go);
        System.out.println("HOME " + PostgresBinaries.home());
        System.out.flush();
    }
}
