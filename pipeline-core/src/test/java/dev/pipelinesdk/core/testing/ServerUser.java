package dev.pipelinesdk.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The operating-system user the PostgreSQL server runs as. {@code initdb} and {@code postgres}
 * refuse to run as root; when this JVM runs as root (containers, CI), they run as {@code nobody}
 * (uid/gid 65534) through {@code setpriv}, and the data directory is handed over to that user.
 */
final class ServerUser {

    static final int NOBODY = 65534;
    private static final Boolean ROOT = detectRoot();

    private ServerUser() {
    }

    /** @return whether this process's effective uid is 0 */
    static boolean isRoot() {
        return ROOT;
    }

    /**
     * @param command a command line
     * @return the command line that runs it as the server user
     */
    static List<String> wrap(List<String> command) {
        if (!isRoot()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * Gives a directory to the server user (a no-op unless running as root).
     *
     * @param dir the directory
     * @throws IOException when the owner cannot be changed
     */
    static void handOver(Path dir) throws IOException {
        if (isRoot()) {
            Files.setAttribute(dir, "unix:uid", NOBODY);
            Files.setAttribute(dir, "unix:gid", NOBODY);
        }
    }

    private static Boolean detectRoot() {
        // /proc/self/status "Uid: real effective saved fs"; fall back to `id -u` (the effective uid)
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]) == 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux-like: ask id
        }
        try {
            Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String out = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!id.waitFor(10, TimeUnit.SECONDS)) {
                id.destroyForcibly();
                throw new IllegalStateException("`id -u` did not finish within 10 s");
            }
            return Integer.parseInt(out) == 0;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not tell whether this process runs as root: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running `id -u`", e);
        }
    }
}
