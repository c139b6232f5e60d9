package dev.pipelinesdk.embeddedpg;

import dev.pipelinesdk.embeddedpg.internal.Postmaster;
import java.nio.file.Path;

/**
 * Child JVM for {@link EmbeddedPostgresTest}: {@code StartMain DATA_DIR} starts a server with the
 * watchdog on DATA_DIR, prints {@code POSTMASTER <pid>} and waits to be killed (at most 60 s).
 */
public final class StartMain {

    private StartMain() {
    }

    /**
     * @param args the data directory
     * @throws Exception on any failure (exit code 1 and a stack trace)
     */
    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        EmbeddedPostgres.builder(dataDir).durable(false).build().start();
        System.out.println("POSTMASTER " + Postmaster.pidOf(dataDir).orElseThrow());
        System.out.flush();
        Thread.sleep(60_000);
    }
}
