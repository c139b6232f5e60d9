package dev.pipelinesdk.embeddedpg.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * The postmaster (main server process) of a data directory, found through its
 * {@code postmaster.pid}: whether it runs, a fast shutdown by signal, and SIGKILL of it and its
 * backends. Works for a server started by another JVM. Internal: not part of the API.
 */
public final class Postmaster {

    /** The lock file PostgreSQL keeps in the data directory while it runs. */
    public static final String PID_FILE = "postmaster.pid";

    private Postmaster() {
    }

    /**
     * @param dataDir a data directory
     * @return the process id in its {@code postmaster.pid}, empty when there is none (or it is unreadable)
     */
    public static OptionalLong pidOf(Path dataDir) {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve(PID_FILE), StandardCharsets.UTF_8);
            return lines.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(lines.get(0).trim()));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty(); // being written or removed right now
        }
    }

    /**
     * @param dataDir a data directory
     * @return the live PostgreSQL process named by its {@code postmaster.pid}; empty when there is
     *     none, or when that process is gone or is another program (a stale pid file)
     */
    public static Optional<ProcessHandle> running(Path dataDir) {
        OptionalLong pid = pidOf(dataDir);
        if (pid.isEmpty() || !isAlive(pid.getAsLong())) {
            return Optional.empty();
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid.getAsLong());
        // a command we may not read counts as PostgreSQL: never start a second server on the same files
        return handle.filter(h -> h.info().command().map(c -> c.endsWith("/postgres") || c.equals("postgres"))
                .orElse(true));
    }

    /**
     * @param pid a process id
     * @return whether that process exists and is not a zombie
     */
    public static boolean isAlive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            int end = stat.lastIndexOf(')');
            return end < 0 || end + 2 >= stat.length() || stat.charAt(end + 2) != 'Z';
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); // no /proc
        }
    }

    /**
     * Asks the server of a data directory for a fast shutdown (SIGINT: sessions are ended, data is
     * kept) and waits until it has exited.
     *
     * @param dataDir the data directory
     * @param bound   how long to wait at most
     * @return {@code true} when it stopped or none ran, {@code false} when it still runs after the bound
     * @throws InterruptedException when interrupted while waiting
     */
    public static boolean stopFast(Path dataDir, Duration bound) throws InterruptedException {
        Optional<ProcessHandle> server = running(dataDir);
        if (server.isEmpty()) {
            return true;
        }
        long pid = server.get().pid();
        try {
            signal(pid, "INT");
        } catch (IOException e) {
            return !isAlive(pid);
        }
        return awaitDeath(List.of(pid), bound);
    }

    /**
     * Kills a server process and all its descendants with SIGKILL, the postmaster first (so that it
     * starts no new backends), and waits (bounded) until they are gone.
     *
     * @param root  the postmaster, or a process (such as a wrapper) above it
     * @param bound how long to wait at most
     * @throws InterruptedException when interrupted while waiting
     */
    public static void killTree(ProcessHandle root, Duration bound) throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(root);
        tree.addAll(root.descendants().toList());
        for (ProcessHandle h : tree) {
            if (h.info().command().map(c -> c.endsWith("/postgres")).orElse(false)) {
                h.destroyForcibly(); // the postmaster (and backends)
            }
        }
        tree.forEach(ProcessHandle::destroyForcibly);
        awaitDeath(tree.stream().map(ProcessHandle::pid).toList(), bound);
    }

    private static boolean awaitDeath(List<Long> pids, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (pids.stream().anyMatch(Postmaster::isAlive)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private static void signal(long pid, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(pid)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS)) {
            kill.destroyForcibly();
            throw new IOException("kill -s " + signal + " " + pid + " did not finish within 10 s");
        }
        if (kill.exitValue() != 0) {
            throw new IOException("kill -s " + signal + " " + pid + " failed with exit code " + kill.exitValue());
        }
    }
}
