package dev.pipelinesdk.api.testing;

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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A test main class running in a separate, small JVM on this test's class path, for tests that
 * need several processes (leases across processes, SIGKILL of a holder). Stdout is drained into
 * memory, stderr into a file; {@link #diagnostics()} shows both for assertion messages. Every wait
 * is bounded. Shipped in the test-jar.
 */
public final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final Path stderr;
    private final List<String> stdout = new ArrayList<>(); // guarded by itself
    private int consumed; // lines already returned by awaitLine, guarded by stdout

    private ChildJvm(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        Thread drain = new Thread(this::drain, "child-stdout-" + process.pid());
        drain.setDaemon(true);
        drain.start();
    }

    /**
     * @param workDir where the stderr file goes
     * @param jvmArgs extra JVM options (system properties)
     * @param main    the class whose {@code main} runs
     * @param args    its arguments
     * @return the running child
     * @throws IOException when the JVM cannot be started
     */
    public static ChildJvm start(Path workDir, List<String> jvmArgs, Class<?> main, String... args) throws IOException {
        return start(workDir, null, Map.of(), jvmArgs, main, args);
    }

    /**
     * @param workDir   where the stderr file goes
     * @param directory the child's working directory; {@code null} for this JVM's
     * @param env       environment variables added to (or, with a {@code null} value, removed from) this JVM's
     * @param jvmArgs   extra JVM options (system properties, a larger {@code -Xmx})
     * @param main      the class whose {@code main} runs
     * @param args      its arguments
     * @return the running child
     * @throws IOException when the JVM cannot be started
     */
    public static ChildJvm start(Path workDir, Path directory, Map<String, String> env, List<String> jvmArgs,
                                 Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx64m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC"));
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return exec(workDir, directory, env, command);
    }

    /**
     * Runs any command (e.g. {@code java -jar app.jar}) as a child watched like a test main.
     *
     * @param workDir   where the stderr file goes
     * @param directory the child's working directory; {@code null} for this JVM's
     * @param env       environment variables added to (or, with a {@code null} value, removed from) this JVM's
     * @param command   the command line
     * @return the running child
     * @throws IOException when it cannot be started
     */
    public static ChildJvm exec(Path workDir, Path directory, Map<String, String> env, List<String> command)
            throws IOException {
        Path err = Files.createTempFile(workDir, "child-", ".stderr");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(err.toFile());
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        env.forEach((k, v) -> {
            if (v == null) {
                builder.environment().remove(k);
            } else {
                builder.environment().put(k, v);
            }
        });
        Process p = builder.start();
        p.getOutputStream().close();
        return new ChildJvm(p, err);
    }

    /** @return the {@code java} launcher of this JVM */
    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** @return the child process */
    public Process process() {
        return process;
    }

    /** @return the child's process id */
    public long pid() {
        return process.pid();
    }

    /**
     * Waits for the next stdout line (after those returned before) that starts with {@code prefix}.
     *
     * @param prefix the line's start ({@code ""} for any line)
     * @param bound  how long to wait at most
     * @return the line
     * @throws InterruptedException when interrupted
     */
    public String awaitLine(String prefix, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        synchronized (stdout) {
            while (true) {
                while (consumed < stdout.size()) {
                    String line = stdout.get(consumed++);
                    if (line.startsWith(prefix)) {
                        return line;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && !drainerRunning) {
                    return fail("child %d printed no '%s' line within %s (alive=%s)%s", process.pid(), prefix,
                            bound, process.isAlive(), diagnostics());
                }
                TimeUnit.NANOSECONDS.timedWait(stdout, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        }
    }

    /**
     * Waits for the child to exit; kills it and fails the test when it does not within the bound.
     *
     * @param bound how long to wait at most
     * @return the exit code
     * @throws InterruptedException when interrupted
     */
    public int awaitExit(Duration bound) throws InterruptedException {
        if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            return fail("child %d did not finish within %s%s", process.pid(), bound, diagnostics());
        }
        return process.exitValue();
    }

    /**
     * Kills the child with SIGKILL and waits (bounded) until it is gone.
     *
     * @throws InterruptedException when interrupted
     */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            fail("child %d did not die within 10 s", process.pid());
        }
    }

    /** @return the stdout lines so far */
    public List<String> stdout() {
        synchronized (stdout) {
            return List.copyOf(stdout);
        }
    }

    /** @return stderr so far */
    public String stderr() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return "(stderr unreadable: " + e + ")";
        }
    }

    /** @return the child's stdout and stderr so far, for assertion messages */
    public String diagnostics() {
        return "\n--- stdout of child " + process.pid() + " ---\n" + String.join("\n", stdout())
                + "\n--- stderr ---\n" + stderr();
    }

    private volatile boolean drainerRunning = true;

    private void drain() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (stdout) {
                    stdout.add(line);
                    stdout.notifyAll();
                }
            }
        } catch (IOException e) {
            // the child is gone
        } finally {
            drainerRunning = false;
            synchronized (stdout) {
                stdout.notifyAll();
            }
        }
    }

    /**
     * For a child's {@code main}: prints {@code READY}, then waits (at most 60 s) until the parent
     * creates the go file, so that several children start their work at the same moment.
     *
     * @param go the file the parent creates
     * @throws InterruptedException  when interrupted
     * @throws IllegalStateException when the file does not appear within 60 s
     */
    public static void readyThenAwait(Path go) throws InterruptedException {
        System.out.println("READY");
        System.out.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(go)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no go file " + go + " within 60 s");
            }
            Thread.sleep(2);
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
