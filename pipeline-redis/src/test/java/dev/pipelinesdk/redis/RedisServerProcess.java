package dev.pipelinesdk.redis;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} child process on a free loopback port, for tests. The binary comes
 * from the {@code com.github.codemonstur:embedded-redis} test dependency (extracted once per JVM
 * into a temp directory), or from the path in {@code PIPELINE_TEST_REDIS_SERVER}. Started with
 * {@code --bind 127.0.0.1 --save '' --appendonly no}, in a data directory of its own, so that
 * {@link #save()} + {@link #kill()} + {@link #start()} restarts it with its data, and
 * {@link #kill()} + {@link #start()} without a save restarts it empty. {@link #startAppendOnly}
 * starts it with {@code --appendonly yes --appendfsync always} instead: every write is in the
 * append-only file before it is acknowledged, so {@link #kill()} + {@link #start()} restarts it with
 * every acknowledged write (and each key's absolute expiry time).
 *
 * <p>Shipped in pipeline-redis's test-jar (with the {@code embedded-redis} test dependency) for the
 * modules built on it.
 */
public final class RedisServerProcess implements AutoCloseable {

    /** Environment variable: path to a redis-server binary to use instead of the bundled one. */
    static final String SERVER_ENV = "PIPELINE_TEST_REDIS_SERVER";
    private static final Duration START_BOUND = Duration.ofSeconds(20);
    private static Path extracted;

    private final Path binary;
    private final Path dir;
    private final int port;
    private final String password;
    private final List<String> extraArgs;
    private final boolean appendOnly;
    private Process process;

    private RedisServerProcess(Path binary, Path dir, int port, String password, List<String> extraArgs,
                               boolean appendOnly) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
        this.password = password;
        this.extraArgs = extraArgs;
        this.appendOnly = appendOnly;
    }

    /**
     * Starts a server without a password.
     *
     * @param dir its data directory
     * @return the running server
     * @throws IOException          when it cannot be started
     * @throws InterruptedException when interrupted while waiting for it
     */
    public static RedisServerProcess start(Path dir) throws IOException, InterruptedException {
        return start(dir, null);
    }

    /**
     * Starts a server; with a password it runs with {@code --requirepass}.
     *
     * @param dir      its data directory
     * @param password the password, or {@code null}
     * @return the running server
     * @throws IOException          when it cannot be started
     * @throws InterruptedException when interrupted while waiting for it
     */
    public static RedisServerProcess start(Path dir, String password) throws IOException, InterruptedException {
        return startOn(dir, freePort(), password);
    }

    /**
     * Starts a server without a password that persists every write before acknowledging it
     * ({@code --appendonly yes --appendfsync always}), so that a {@link #kill()} + {@link #start()}
     * keeps all acknowledged data, as a production Redis with that setting would.
     *
     * @param dir its data directory (holds the append-only file)
     * @return the running server
     * @throws IOException          when it cannot be started
     * @throws InterruptedException when interrupted while waiting for it
     */
    public static RedisServerProcess startAppendOnly(Path dir) throws IOException, InterruptedException {
        return startOn(dir, freePort(), null, true);
    }

    /** Starts a server on the given port. */
    static RedisServerProcess startOn(Path dir, int port, String password) throws IOException, InterruptedException {
        return startOn(dir, port, password, false);
    }

    private static RedisServerProcess startOn(Path dir, int port, String password, boolean appendOnly)
            throws IOException, InterruptedException {
        List<String> extra = new ArrayList<>();
        if (password != null) {
            extra.addAll(List.of("--requirepass", password));
        }
        Files.createDirectories(dir);
        RedisServerProcess server = new RedisServerProcess(binary(), dir, port, password, List.copyOf(extra),
                appendOnly);
        server.start();
        return server;
    }

    /**
     * @return a loopback port nobody listens on right now
     * @throws IOException when no port can be bound
     */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }

    /** @return the port it listens on (127.0.0.1) */
    public int port() {
        return port;
    }

    /** @return {@code redis://[:password@]127.0.0.1:port} */
    public String url() {
        return "redis://" + (password == null ? "" : ":" + password + "@") + "127.0.0.1:" + port;
    }

    /** @return a connection for admin commands (FLUSHALL, SAVE, CLIENT PAUSE…), authenticated */
    RespConnection admin() throws IOException {
        RespConnection c = RespConnection.open(port, Duration.ofSeconds(10));
        if (password != null) {
            c.call("AUTH", password);
        }
        return c;
    }

    /** Sends one admin command on a fresh connection. */
    Object command(String... args) throws IOException {
        try (RespConnection c = admin()) {
            return c.call(args);
        }
    }

    /**
     * Starts (or restarts) the process on the same port and waits until it answers PING.
     *
     * @throws IOException           when the process cannot be started
     * @throws InterruptedException  when interrupted while waiting for it
     * @throws IllegalStateException when it runs already, exits, or does not answer within 20 s
     */
    public synchronized void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("redis-server on port " + port + " is running");
        }
        List<String> cmd = new ArrayList<>(List.of(binary.toString(),
                "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", appendOnly ? "yes" : "no", "--appendfsync", appendOnly ? "always" : "everysec",
                "--dir", dir.toString(), "--dbfilename", "dump.rdb", "--daemonize", "no", "--loglevel", "warning"));
        cmd.addAll(extraArgs);
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
        process.getOutputStream().close();
        long deadline = System.nanoTime() + START_BOUND.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + log());
            }
            try (RespConnection c = RespConnection.open(port, Duration.ofMillis(500))) {
                if (password != null) {
                    c.call("AUTH", password);
                }
                if ("PONG".equals(c.call("PING"))) {
                    return;
                }
            } catch (IOException | RespConnection.RespError e) {
                // not yet (or still loading)
            }
            if (System.nanoTime() > deadline) {
                kill();
                throw new IllegalStateException("redis-server did not answer PING within " + START_BOUND + log());
            }
            Thread.sleep(20);
        }
    }

    /** SAVE: the next {@link #start()} after a {@link #kill()} loads this snapshot. */
    void save() throws IOException {
        command("SAVE");
    }

    /** Deletes the snapshot, so the next start is empty. */
    void forgetSnapshot() throws IOException {
        Files.deleteIfExists(dir.resolve("dump.rdb"));
    }

    /**
     * SIGKILL, as a crash would, and waits (bounded) until the process is gone and the port is free.
     *
     * @throws IllegalStateException when it does not die within 10 s
     */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server on port " + port + " did not die within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing redis-server on port " + port, e);
        }
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** @return the server's log, for failure messages */
    String log() {
        try {
            return "\n--- redis.log ---\n" + Files.readString(dir.resolve("redis.log"));
        } catch (IOException e) {
            return "\n(redis.log unreadable: " + e + ")";
        }
    }

    /** Kills the server. */
    @Override
    public void close() {
        kill();
    }

    // ---- the binary --------------------------------------------------------------------------

    private static synchronized Path binary() throws IOException {
        String configured = System.getenv(SERVER_ENV);
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException(SERVER_ENV + "=" + configured + " is not an executable file");
            }
            return p;
        }
        if (extracted != null) {
            return extracted;
        }
        String resource = bundledBinaryName();
        Path tmp = Files.createTempDirectory("pipeline-redis-server-");
        Path target = tmp.resolve("redis-server");
        try (InputStream in = RedisServerProcess.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test class path (embedded-redis dependency)");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
        target.toFile().deleteOnExit();
        tmp.toFile().deleteOnExit();
        extracted = target;
        return target;
    }

    private static String bundledBinaryName() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean arm = arch.contains("aarch64") || arch.contains("arm64");
        if (os.contains("linux")) {
            return arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
        }
        if (os.contains("mac")) {
            return arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
        }
        throw new IllegalStateException("no bundled redis-server for " + os + "/" + arch + "; set " + SERVER_ENV);
    }
}
