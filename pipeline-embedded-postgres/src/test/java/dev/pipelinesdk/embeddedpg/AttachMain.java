package dev.pipelinesdk.embeddedpg;

import dev.pipelinesdk.api.testing.ChildJvm;
import java.nio.file.Path;

/**
 * Child JVM for {@link SharedPostgresTest}: {@code AttachMain BASE_DIR GO_FILE [START_FILE]}
 * (with START_FILE: first prints {@code READY} and waits until it exists) attaches to the shared
 * server of BASE_DIR, prints {@code ATTACHED <jdbcUrl> <startedHere>} and {@code READY}, waits (at
 * most 60 s) until GO_FILE exists, detaches and prints {@code DETACHED}.
 */
public final class AttachMain {

    private AttachMain() {
    }

    /**
     * @param args the base directory, the file whose existence makes it detach, optionally the
     *             file whose existence makes it attach
     * @throws Exception on any failure (exit code 1 and a stack trace)
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 2) {
            ChildJvm.readyThenAwait(Path.of(args[2]));
        }
        try (SharedPostgres.Attachment attachment = SharedPostgres.attach(Path.of(args[0]))) {
            System.out.println("ATTACHED " + attachment.jdbcUrl() + " " + attachment.startedHere());
            System.out.flush();
            ChildJvm.readyThenAwait(Path.of(args[1]));
        }
        System.out.println("DETACHED");
        System.out.flush();
    }
}
