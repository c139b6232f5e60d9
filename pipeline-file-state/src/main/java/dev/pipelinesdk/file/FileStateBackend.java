package dev.pipelinesdk.file;

import dev.pipelinesdk.api.AbstractStateBackend;
import dev.pipelinesdk.api.StateBackendException;
import dev.pipelinesdk.file.internal.FileLeases;
import dev.pipelinesdk.file.internal.LockFileRegistry;
import dev.pipelinesdk.file.internal.SecureFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link dev.pipelinesdk.api.StateBackend} in a directory shared by the processes of one host
 * (a volume shared by containers on one host is fine; network file systems are not supported).
 *
 * <pre>{@code
 * try (StateBackend backend = FileStateBackend.open(Path.of("/var/lib/myapp/pipeline-state"))) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Layout, one directory per pipeline, created {@code rwx------} with files {@code rw-------}:
 * <ul>
 *   <li>{@code <dir>/<name>/status.json}: the status document, replaced atomically (temp file,
 *       fsync, atomic rename), so readers and {@code cat} see a whole document (after a power loss,
 *       at worst the previous whole document);</li>
 *   <li>{@code <dir>/<name>/lock}: the lease. Its holder keeps an OS file lock on it for the
 *       lease's whole life, so the kernel frees it at once when the holding process dies, and writes
 *       its owner, fence and expiry into it;</li>
 *   <li>{@code <dir>/<name>/fence}: the fencing counter, incremented under the lock;</li>
 *   <li>{@code <dir>/<name>/exports/<id>.json}: export records, replaced atomically.</li>
 * </ul>
 *
 * <p>A lease that is not renewed within its TTL (measured on this instance's {@link Clock}) is
 * released by the instance holding it, so others can take it. Backend instances in one JVM exclude
 * each other like separate processes do. Thread-safe. Close the backend to release its leases and
 * its timer thread.
 */
public final class FileStateBackend extends AbstractStateBackend {

    private static final Logger LOG = LoggerFactory.getLogger(FileStateBackend.class);
    private static final String STATUS_FILE = "status.json";
    private static final String EXPORTS_DIR = "exports";
    private static final String JSON = ".json";

    private final Path directory;
    private final FileLeases leases;

    private FileStateBackend(Path directory, Clock clock) {
        super(clock);
        this.directory = directory;
        prepare(directory);
        this.leases = new FileLeases(directory, clock, LockFileRegistry.jvmWide());
    }

    /**
     * Opens a backend on {@code dir} with the system UTC clock, creating the directory if needed.
     *
     * @param dir the state directory
     * @return the backend
     * @throws StateBackendException naming the directory when it cannot be created or written
     */
    public static FileStateBackend open(Path dir) {
        return builder(dir).build();
    }

    /**
     * @param dir the state directory, created (with missing parents, {@code rwx------}) if needed
     * @return a builder
     * @throws NullPointerException when {@code dir} is {@code null}
     */
    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** @return the state directory (absolute) */
    public Path directory() {
        return directory;
    }

    /** @return {@code "file:"} followed by the absolute state directory */
    @Override
    public String description() {
        return "file:" + directory;
    }

    /** Releases the leases this instance holds and stops its timer thread. Idempotent. */
    @Override
    public void close() {
        leases.close();
    }

    @Override
    public String toString() {
        return "FileStateBackend[" + directory + "]";
    }

    // ---- leases ------------------------------------------------------------------------------

    @Override
    protected OptionalLong acquireLease(String pipeline, String owner, Duration ttl) {
        return leases.acquire(pipeline, owner, ttl);
    }

    @Override
    protected boolean renewLease(String pipeline, String owner, long token, Duration ttl) {
        return leases.renew(pipeline, owner, token, ttl);
    }

    @Override
    protected void releaseLease(String pipeline, String owner, long token) {
        leases.release(pipeline, owner, token);
    }

    @Override
    protected Optional<String> readHolder(String pipeline) {
        return leases.holder(pipeline);
    }

    // ---- status ------------------------------------------------------------------------------

    @Override
    protected void writeStatus(String pipeline, byte[] json) {
        Path file = statusFile(pipeline);
        try {
            SecureFiles.createDirectories(file.getParent());
            // no directory fsync: a status document is replaced by the next publish, and a power loss
            // may at worst bring back the previous one (whole); the fence counter keeps its fsync
            SecureFiles.writeAtomically(file, json, false);
        } catch (IOException e) {
            throw SecureFiles.failure("write status file", file, e);
        }
    }

    @Override
    protected byte[] readStatusBytes(String pipeline) {
        Path file = statusFile(pipeline);
        try {
            return SecureFiles.readIfExists(file);
        } catch (IOException e) {
            throw SecureFiles.failure("read status file", file, e);
        }
    }

    @Override
    protected String statusLocation(String pipeline) {
        return statusFile(pipeline).toString();
    }

    // ---- exports -----------------------------------------------------------------------------

    @Override
    protected void writeExport(String pipeline, String id, byte[] json, Instant expiresAt) {
        Path file = exportFile(pipeline, id);
        try {
            SecureFiles.createDirectories(file.getParent());
            SecureFiles.writeAtomically(file, json);
        } catch (IOException e) {
            throw SecureFiles.failure("write export record", file, e);
        }
    }

    @Override
    protected byte[] readExportBytes(String pipeline, String id) {
        Path file = exportFile(pipeline, id);
        try {
            return SecureFiles.readIfExists(file);
        } catch (IOException e) {
            throw SecureFiles.failure("read export record", file, e);
        }
    }

    @Override
    protected String exportLocation(String pipeline, String id) {
        return exportFile(pipeline, id).toString();
    }

    @Override
    protected List<String> listExportIds(String pipeline) {
        Path dir = directory.resolve(pipeline).resolve(EXPORTS_DIR);
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + JSON)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!name.startsWith(".") && !SecureFiles.isTempFile(name) && Files.isRegularFile(file)) {
                    ids.add(name.substring(0, name.length() - JSON.length()));
                }
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            return List.of();
        } catch (IOException e) {
            throw SecureFiles.failure("list export records in", dir, e);
        }
        Collections.sort(ids);
        return ids;
    }

    @Override
    protected void deleteExportBytes(String pipeline, String id) {
        Path file = exportFile(pipeline, id);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw SecureFiles.failure("delete export record", file, e);
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    private Path statusFile(String pipeline) {
        return directory.resolve(pipeline).resolve(STATUS_FILE);
    }

    private Path exportFile(String pipeline, String id) {
        return directory.resolve(pipeline).resolve(EXPORTS_DIR).resolve(id + JSON);
    }

    /** Creates the directory and proves it writable by creating and deleting a probe file. */
    private static void prepare(Path dir) {
        try {
            SecureFiles.createDirectories(dir);
        } catch (IOException e) {
            throw new StateBackendException("Cannot use state directory " + dir + ": it cannot be created: "
                    + blocker(dir).orElseGet(() -> SecureFiles.reason(e)), e);
        }
        try {
            Path probe = Files.createTempFile(dir, ".probe-", ".tmp", SecureFiles.fileAttributes(dir));
            Files.delete(probe);
        } catch (IOException e) {
            throw new StateBackendException("Cannot use state directory " + dir + ": it is not writable: "
                    + SecureFiles.reason(e), e);
        }
        warnIfShared(dir);
    }

    /** @return "X is not a directory" for the nearest existing path component that is a file */
    private static Optional<String> blocker(Path dir) {
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                return Files.isDirectory(p) ? Optional.empty() : Optional.of(p + " exists and is not a directory");
            }
        }
        return Optional.empty();
    }

    private static void warnIfShared(Path dir) {
        if (!SecureFiles.isPosix(dir)) {
            return;
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
            if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                LOG.warn("State directory {} is accessible to other users ({}); files in it are created rw-------",
                        dir, java.nio.file.attribute.PosixFilePermissions.toString(perms));
            }
        } catch (IOException e) {
            LOG.debug("Could not read permissions of {}: {}", dir, e.toString());
        }
    }

    /** Builds a {@link FileStateBackend}; every setter rejects a bad value. Not thread-safe. */
    public static final class Builder {
        private final Path directory;
        private Clock clock = Clock.systemUTC();

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "state directory");
        }

        /**
         * @param clock the wall clock that measures lease TTLs and export expiry (default
         *              {@link Clock#systemUTC()})
         * @return this
         * @throws NullPointerException when {@code clock} is {@code null}
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Creates the directory (and missing parents, {@code rwx------}) if needed and checks that
         * it is writable.
         *
         * @return the backend
         * @throws StateBackendException naming the directory and the reason when it cannot be
         *     created or written
         */
        public FileStateBackend build() {
            return new FileStateBackend(directory.toAbsolutePath().normalize(), clock);
        }
    }
}
