package dev.pipelinesdk.embeddedpg.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The operating-system user the PostgreSQL server runs as. {@code initdb} and {@code postgres}
 * refuse to run as root; when this JVM runs as root (containers, CI), they run as {@code nobody}
 * (uid/gid 65534) through {@code setpriv}, and the data directory is handed over to that user.
 * Internal: not part of the API.
 */
public final class ServerUser {

    /** The uid and gid of {@code nobody}, the server user when this JVM is root. */
    public static final int NOBODY = 65534;
    private static final boolean ROOT = detectRoot();

    private ServerUser() {
    }

    /** @return whether this process's effective uid is 0 */
    public static boolean isRoot() {
        return ROOT;
    }

    /**
     * @param command a command line
     * @return the command line that runs it as the server user
     */
    public static List<String> wrap(List<String> command) {
        if (!isRoot()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * Gives a file or directory to the server user (a no-op unless running as root).
     *
     * @param path the file or directory
     * @throws IOException when the owner cannot be changed
     */
    public static void handOver(Path path) throws IOException {
        if (isRoot()) {
            Files.setAttribute(path, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(path, "unix:gid", NOBODY, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /**
     * Whether the server user may reach (traverse) a directory: every existing directory from the
     * root down to it must be searchable by that user.
     *
     * @param dir an absolute directory (it and its parents need not all exist)
     * @return the first directory on the way that the server user cannot traverse; empty when
     *     this JVM is not root (the server runs as this user) or when every one is traversable
     * @throws IOException when a mode cannot be read
     */
    public static Optional<Path> firstUntraversable(Path dir) throws IOException {
        if (!isRoot()) {
            return Optional.empty();
        }
        Path absolute = dir.toAbsolutePath().normalize();
        Path current = absolute.getRoot();
        List<Path> chain = new ArrayList<>();
        chain.add(current);
        for (Path name : absolute) {
            current = current.resolve(name);
            chain.add(current);
        }
        for (Path d : chain) {
            if (!Files.isDirectory(d)) {
                break; // created later, by this JVM, with a mode of its choice
            }
            Path real = d.toRealPath();
            int mode = (Integer) Files.getAttribute(real, "unix:mode");
            int uid = (Integer) Files.getAttribute(real, "unix:uid");
            int gid = (Integer) Files.getAttribute(real, "unix:gid");
            boolean searchable = uid == NOBODY ? (mode & 0100) != 0
                    : gid == NOBODY ? (mode & 0010) != 0
                    : (mode & 0001) != 0;
            if (!searchable) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    private static boolean detectRoot() {
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
