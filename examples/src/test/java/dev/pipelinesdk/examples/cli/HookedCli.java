package dev.pipelinesdk.examples.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM's main: the real command line, with the stops pipeline stopping just before its
 * import's swap (or, with {@code -Dhook=commit}, inside the swap transaction just before its commit):
 * it prints {@value #AT_SWAP}, then waits (at most 2 min) for the file {@value #RELEASE} in the
 * working directory.
 */
public final class HookedCli {
    static final String AT_SWAP = "AT_SWAP";
    static final String RELEASE = "release-swap";

    private HookedCli() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        Path cwd = Path.of("").toAbsolutePath();
        boolean atCommit = "commit".equals(System.getProperty("hook"));
        Runnable hold = () -> {
            out.println(AT_SWAP);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!Files.exists(cwd.resolve(RELEASE))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not released within 2 min");
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted at the swap", e);
                }
            }
        };
        int code = new Cli(System.getenv(), cwd, out, err, b -> atCommit ? b.beforeCommit(hold) : b.beforeSwap(hold))
                .run(args);
        System.exit(code);
    }
}
