package dev.pipelinesdk.file;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link LeaseHammer} in a separate JVM; stdout is drained into a queue, stderr into a file. */
final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final Path stderr;
    private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
    private final List<String> allStdout = new ArrayList<>();

    private ChildJvm(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        Thread drain = new Thread(this::drain, "child-stdout-" + process.pid());
        drain.setDaemon(true);
        drain.start();
    }

    static ChildJvm start(Path workDir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"),
                LeaseHammer.class.getName()));
        command.addAll(List.of(args));
        Path err = Files.createTempFile(workDir, "child-", ".stderr");
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        return new ChildJvm(p, err);
    }

    Process process() {
        return process;
    }

    /** @return the first stdout line starting with {@code prefix}, waiting at most {@code bound} */
    String awaitLine(String prefix, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? stdout.poll(Math.min(left, 100_000_000L), TimeUnit.NANOSECONDS) : null;
            if (line != null && line.startsWith(prefix)) {
                return line;
            }
            if (line == null && (left <= 0 || (!process.isAlive() && stdout.isEmpty()))) {
                return fail("child %d printed no '%s' line within %s (alive=%s)%s", process.pid(), prefix, bound,
                        process.isAlive(), diagnostics());
            }
        }
    }

    /** Waits for the exit within {@code bound}; kills the child and fails on timeout. */
    int awaitExit(Duration bound) throws InterruptedException {
        if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            return fail("child %d did not finish within %s%s", process.pid(), bound, diagnostics());
        }
        return process.exitValue();
    }

    /** @return the child's stdout and stderr so far, for assertion messages */
    String diagnostics() {
        String err;
        try {
            err = Files.readString(stderr);
        } catch (IOException e) {
            err = "(stderr unreadable: " + e + ")";
        }
        synchronized (allStdout) {
            return "\n--- stdout of child " + process.pid() + " ---\n" + String.join("\n", allStdout)
                    + "\n--- stderr ---\n" + err;
        }
    }

    private void drain() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (allStdout) {
                    allStdout.add(line);
                }
                stdout.add(line);
            }
        } catch (IOException e) {
            // the child is gone
        }
    }

    /** Kills the child if it still runs and waits (bounded) for it to go. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
