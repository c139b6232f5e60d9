package dev.pipelinesdk.embeddedpg;

import dev.pipelinesdk.embeddedpg.internal.Arguments;
import dev.pipelinesdk.embeddedpg.internal.ConnectionFile;
import dev.pipelinesdk.embeddedpg.internal.FileModes;
import dev.pipelinesdk.embeddedpg.internal.Postmaster;
import dev.pipelinesdk.embeddedpg.internal.ServerUser;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persistent embedded PostgreSQL server of a base directory, shared by the processes of one
 * host: the first to {@link #attach(Path) attach} starts it, later ones (in this or other JVMs)
 * use it, and the last to detach stops it. Its data persist across stops.
 *
 * <p>Files under the base directory (none readable by others): {@code postgres/} (the cluster),
 * {@code postgres.json} (port, user, password, database; mode 0600), {@code postgres.log},
 * {@code postgres.lock} (held exclusively while a process starts or stops the server) and
 * {@code postgres.users} (every attached JVM holds a shared lock on it). The server runs in a
 * session of its own (a Ctrl-C in one user's terminal does not stop it) and outlives the JVM
 * that started it; when every attached process was killed, the next attach uses it again. It
 * listens on 127.0.0.1 only; its user {@code pipeline} has a generated password
 * ({@code scram-sha-256}) and owns the database {@code pipeline}.
 *
 * <p>When the JVM runs as root, the server runs as {@code nobody} (uid 65534), which must be able
 * to traverse every directory down to the base directory.
 */
public final class SharedPostgres {

    /** The user and database of the shared server. */
    static final String NAME = "pipeline";
    static final String CLUSTER = "postgres";
    static final String CONNECTION_FILE = "postgres.json";
    static final String LOG_FILE = "postgres.log";
    static final String LOCK_FILE = "postgres.lock";
    static final String USERS_FILE = "postgres.users";

    private static final Logger LOG = LoggerFactory.getLogger(SharedPostgres.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Map<Path, Users> USERS = new HashMap<>(); // by real base directory, guarded by itself

    private final Path baseDir;
    private final Duration lockTimeout;
    private final Duration startTimeout;
    private final Duration stopTimeout;

    private SharedPostgres(Builder b) {
        this.baseDir = b.baseDir;
        this.lockTimeout = b.lockTimeout;
        this.startTimeout = b.startTimeout;
        this.stopTimeout = b.stopTimeout;
    }

    /**
     * Attaches to the server of a base directory with the default bounds, starting it when none answers.
     *
     * @param baseDir the base directory (created when missing), e.g. {@code ./pipeline-data}
     * @return the attachment; {@link Attachment#close() close} it when done
     * @throws EmbeddedPostgresException when the server cannot be reached or started
     */
    public static Attachment attach(Path baseDir) {
        return builder(baseDir).attach();
    }

    /**
     * @param baseDir the base directory (created when missing)
     * @return a builder for other bounds than the defaults
     */
    public static Builder builder(Path baseDir) {
        return new Builder(baseDir);
    }

    private Attachment attachNow() {
        Path base = prepareBaseDirectory();
        Users users;
        synchronized (USERS) {
            users = USERS.computeIfAbsent(base, Users::new);
        }
        synchronized (users) {
            try (FileChannel lockChannel = lock(base.resolve(LOCK_FILE))) {
                boolean[] startedHere = new boolean[1];
                ConnectionFile info = ensureServer(base, startedHere);
                users.join();
                LOG.info("Attached to PostgreSQL on 127.0.0.1:{} ({}; {})", info.port(), base,
                        startedHere[0] ? "started here" : "already running");
                return new Attachment(users, info, startedHere[0]);
            } catch (IOException e) {
                throw new EmbeddedPostgresException("Could not attach to the PostgreSQL server of " + base + ": " + e, e);
            }
        }
    }

    private Path prepareBaseDirectory() {
        Path base = baseDir;
        try {
            if (!Files.isDirectory(base)) {
                Files.createDirectories(base);
                FileModes.set(base, ServerUser.isRoot() ? 0711 : 0700); // nobody must traverse it, not list it
            }
            base = base.toRealPath();
            Optional<Path> blocked = ServerUser.firstUntraversable(base);
            if (blocked.isPresent()) {
                throw new EmbeddedPostgresException("The embedded PostgreSQL runs as nobody (uid " + ServerUser.NOBODY
                        + ") because this JVM is root, and nobody cannot reach " + base + ": " + blocked.get()
                        + " is not searchable by others. Set DATABASE_URL to an existing PostgreSQL server, or use a"
                        + " data directory whose parents others may traverse (e.g. under /srv or /tmp)");
            }
            return base;
        } catch (IOException e) {
            throw new EmbeddedPostgresException("Could not prepare the directory " + baseDir + ": " + e, e);
        }
    }

    /** Under postgres.lock: the details of a server that answers, starting one when needed. */
    private ConnectionFile ensureServer(Path base, boolean[] startedHere) throws IOException {
        Path cluster = base.resolve(CLUSTER);
        Path file = base.resolve(CONNECTION_FILE);
        Optional<ConnectionFile> known = readConnectionFile(file);
        if (known.isPresent() && answers(known.get(), cluster)) {
            return known.get();
        }
        Optional<ProcessHandle> running = Postmaster.running(cluster);
        if (running.isPresent()) {
            return awaitRunning(known, cluster, running.get()); // starting up or recovering
        }
        ConnectionFile info;
        if (Files.exists(cluster.resolve("PG_VERSION"))) {
            info = known.orElseThrow(() -> new EmbeddedPostgresException("The PostgreSQL cluster " + cluster
                    + " exists but " + file + " (with its password) is missing; restore that file, or delete "
                    + cluster + " to start afresh (its data are lost)"));
        } else {
            info = new ConnectionFile(0, NAME, HexFormat.of().formatHex(randomBytes(18)), NAME);
            info.write(file); // before initdb: the password must never be lost
        }
        EmbeddedPostgres server = server(base, info, isFree(info.port()) ? info.port() : 0);
        server.start();
        startedHere[0] = true;
        info = info.withPort(server.port());
        info.write(file);
        createDatabase(info);
        return info;
    }

    private ConnectionFile awaitRunning(Optional<ConnectionFile> known, Path cluster, ProcessHandle postmaster) {
        if (known.isEmpty()) {
            throw new EmbeddedPostgresException("A PostgreSQL server (pid " + postmaster.pid() + ") runs on " + cluster
                    + " but " + cluster.resolveSibling(CONNECTION_FILE) + " (with its password) is missing; restore that"
                    + " file, or stop the server (kill -INT " + postmaster.pid() + ") and delete " + cluster
                    + " to start afresh (its data are lost)");
        }
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (known.isPresent() && System.nanoTime() - deadline < 0 && postmaster.isAlive()) {
            if (answers(known.get(), cluster)) {
                return known.get();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EmbeddedPostgresException("Interrupted while waiting for PostgreSQL on " + cluster, e);
            }
        }
        throw new EmbeddedPostgresException("A PostgreSQL server (pid " + postmaster.pid() + ") runs on " + cluster
                + " but does not accept the connection described in " + cluster.resolveSibling(CONNECTION_FILE)
                + " within " + startTimeout + "; stop it (kill -INT " + postmaster.pid() + ") and try again");
    }

    private EmbeddedPostgres server(Path base, ConnectionFile info, int port) {
        return EmbeddedPostgres.builder(base.resolve(CLUSTER)).port(port).superuser(info.user())
                .password(info.password()).durable(true).stopWithJvm(false).logFile(base.resolve(LOG_FILE))
                .startTimeout(startTimeout).stopTimeout(stopTimeout).build();
    }

    /** Whether a server answers with these details, and is the one of this cluster. */
    private static boolean answers(ConnectionFile info, Path cluster) {
        if (info.port() <= 0) {
            return false;
        }
        try (Connection c = dataSource(info, "postgres", 2).getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_setting('data_directory')")) {
            rs.next();
            return Files.isDirectory(cluster) && cluster.toRealPath().toString().equals(rs.getString(1));
        } catch (SQLException | IOException e) {
            LOG.debug("No PostgreSQL of {} answers on 127.0.0.1:{}: {}", cluster, info.port(), e.getMessage());
            return false;
        }
    }

    private static void createDatabase(ConnectionFile info) {
        try (Connection c = dataSource(info, "postgres", 10).getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname = '" + NAME + "'")) {
                rs.next();
                if (rs.getInt(1) > 0) {
                    return;
                }
            }
            s.execute("CREATE DATABASE " + NAME);
        } catch (SQLException e) {
            throw new EmbeddedPostgresException("Could not create the database " + NAME + " on 127.0.0.1:"
                    + info.port() + ": " + e.getMessage(), e);
        }
    }

    private static Optional<ConnectionFile> readConnectionFile(Path file) {
        try {
            return ConnectionFile.read(file);
        } catch (IOException e) {
            throw new EmbeddedPostgresException("Could not read " + file + ": " + e.getMessage()
                    + "; fix or delete it (deleting it also makes the existing cluster unusable)", e);
        }
    }

    private static PGSimpleDataSource dataSource(ConnectionFile info, String database, int connectTimeoutSeconds) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL("jdbc:postgresql://127.0.0.1:" + info.port() + "/" + database);
        ds.setUser(info.user());
        ds.setPassword(info.password());
        ds.setConnectTimeout(connectTimeoutSeconds);
        ds.setLoginTimeout(connectTimeoutSeconds + 3);
        ds.setSocketTimeout(10);
        return ds;
    }

    /** Locks a file exclusively, waiting at most the lock timeout; closing the channel releases it. */
    private FileChannel lock(Path file) throws IOException {
        FileChannel channel = openPrivate(file);
        long deadline = System.nanoTime() + lockTimeout.toNanos();
        try {
            while (channel.tryLock() == null) {
                if (System.nanoTime() - deadline > 0) {
                    throw new EmbeddedPostgresException("Another process held " + file + " for more than "
                            + lockTimeout + " (starting or stopping the shared PostgreSQL server)");
                }
                Thread.sleep(50);
            }
            return channel;
        } catch (InterruptedException e) {
            channel.close();
            Thread.currentThread().interrupt();
            throw new EmbeddedPostgresException("Interrupted while waiting for " + file, e);
        } catch (RuntimeException | IOException e) {
            channel.close();
            throw e;
        }
    }

    private static FileChannel openPrivate(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(FileModes.permissions(0600)));
        } catch (FileAlreadyExistsException e) {
            // made by an earlier attach
        }
        return FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    private static boolean isFree(int port) {
        if (port <= 0) {
            return false;
        }
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /**
     * This JVM's share of {@code postgres.users}: one shared lock however many attachments the JVM
     * has (POSIX record locks belong to the process, and closing any channel on the file drops all
     * of them, so the one channel stays open while the JVM is attached).
     */
    private static final class Users {
        private final Path base;
        private FileChannel channel; // guarded by this
        private FileLock shared; // guarded by this
        private int attachments; // guarded by this

        Users(Path base) {
            this.base = base;
        }

        /** Under postgres.lock: takes the shared lock for the first attachment of this JVM. */
        synchronized void join() throws IOException {
            if (attachments == 0) {
                Path file = base.resolve(USERS_FILE);
                channel = openPrivate(file);
                shared = channel.tryLock(0, Long.MAX_VALUE, true); // a stopper holds it only under postgres.lock
                if (shared == null) {
                    channel.close();
                    channel = null;
                    throw new IOException(file + " is locked exclusively by another process");
                }
            }
            attachments++;
        }

        /** The last attachment of this JVM leaves; stops the server when no other process is attached. */
        synchronized void leave(SharedPostgres owner, ConnectionFile info) {
            if (--attachments > 0) {
                return;
            }
            try {
                shared.release();
                try (FileChannel lockChannel = owner.lock(base.resolve(LOCK_FILE))) {
                    FileLock exclusive = channel.tryLock(0, Long.MAX_VALUE, false);
                    if (exclusive == null) {
                        LOG.info("Detached from PostgreSQL on 127.0.0.1:{}; other processes still use it", info.port());
                        return;
                    }
                    try {
                        owner.server(base, info, info.port()).stop();
                        LOG.info("Stopped PostgreSQL on 127.0.0.1:{}: no process uses it any more", info.port());
                    } finally {
                        exclusive.release();
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("Could not detach cleanly from PostgreSQL on 127.0.0.1:{} ({}): {}", info.port(), base,
                        e.toString());
            } finally {
                try {
                    channel.close();
                } catch (IOException e) {
                    // the locks went with it
                }
                channel = null;
                shared = null;
            }
        }
    }

    /**
     * A JVM's use of the shared server; the server keeps running until the last attachment of the
     * last attached process is {@link #close() closed}. Thread-safe.
     */
    public final class Attachment implements AutoCloseable {

        private final Users users;
        private final ConnectionFile info;
        private final boolean startedHere;
        private boolean closed; // guarded by this

        private Attachment(Users users, ConnectionFile info, boolean startedHere) {
            this.users = users;
            this.info = info;
            this.startedHere = startedHere;
        }

        /** @return {@code jdbc:postgresql://127.0.0.1:<port>/pipeline} (without user or password) */
        public String jdbcUrl() {
            return "jdbc:postgresql://127.0.0.1:" + info.port() + "/" + info.database();
        }

        /** @return the user to connect as ({@code pipeline}, the server's superuser) */
        public String user() {
            return info.user();
        }

        /** @return the user's password */
        public String password() {
            return info.password();
        }

        /** @return a new unpooled data source for {@link #jdbcUrl()} as {@link #user()} */
        public DataSource dataSource() {
            PGSimpleDataSource ds = SharedPostgres.dataSource(info, info.database(), 10);
            ds.setLoginTimeout(0);
            ds.setSocketTimeout(0);
            return ds;
        }

        /** @return whether this attach started the server (rather than finding it running) */
        public boolean startedHere() {
            return startedHere;
        }

        /** @return the base directory */
        public Path baseDirectory() {
            return users.base;
        }

        /**
         * Detaches; when this was the last attachment of the last attached process, stops the
         * server (fast shutdown, bounded). Never throws: a failure to stop is logged. Idempotent.
         */
        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            synchronized (users) {
                users.leave(SharedPostgres.this, info);
            }
        }

        /** @return the URL and user, never the password */
        @Override
        public String toString() {
            return "SharedPostgres.Attachment[" + jdbcUrl() + " as " + user() + "]";
        }
    }

    /** Bounds of an attach; every setter rejects a bad value, naming it. */
    public static final class Builder {

        private final Path baseDir;
        private Duration lockTimeout = Duration.ofMinutes(3);
        private Duration startTimeout = Duration.ofSeconds(60);
        private Duration stopTimeout = Duration.ofSeconds(30);

        private Builder(Path baseDir) {
            this.baseDir = Objects.requireNonNull(baseDir, "baseDir").toAbsolutePath().normalize();
        }

        /**
         * @param bound how long to wait for {@code postgres.lock} while another process starts or
         *              stops the server (which may include a first {@code initdb}, the server's
         *              start and its shutdown); default 3 min, above the start and stop bounds
         * @return this builder
         */
        public Builder lockTimeout(Duration bound) {
            this.lockTimeout = Arguments.positive(bound, "lockTimeout");
            return this;
        }

        /**
         * @param bound how long {@code initdb} and the server's start may take; default 60 s
         * @return this builder
         */
        public Builder startTimeout(Duration bound) {
            this.startTimeout = Arguments.positive(bound, "startTimeout");
            return this;
        }

        /**
         * @param bound how long the last detach waits for the server's fast shutdown; default 30 s
         * @return this builder
         */
        public Builder stopTimeout(Duration bound) {
            this.stopTimeout = Arguments.positive(bound, "stopTimeout");
            return this;
        }

        /**
         * @return an attachment to the running server, or to one started now
         * @throws EmbeddedPostgresException when the server cannot be reached or started
         */
        public Attachment attach() {
            return new SharedPostgres(this).attachNow();
        }
    }
}
