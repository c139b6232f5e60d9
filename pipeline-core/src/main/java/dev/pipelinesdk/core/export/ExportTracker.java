package dev.pipelinesdk.core.export;


import dev.pipelinesdk.api.ExportRecord;
import dev.pipelinesdk.api.Names;
import dev.pipelinesdk.api.PipelineException;
import dev.pipelinesdk.api.StateBackend;
import dev.pipelinesdk.core.export.internal.ExportFiles;
import dev.pipelinesdk.core.export.internal.RunningExport;
import dev.pipelinesdk.core.internal.Checks;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs exports asynchronously and tracks them in the state backend: a host starts one from an HTTP
 * request, answers at once with its id, and any process sharing the backend can then report its
 * progress and, once completed, serve its file. Thread-safe.
 *
 * <pre>{@code
 * try (ExportTracker exports = ExportTracker.builder(backend, "stops", Path.of("pipeline-data/exports")).build()) {
 *     ExportRecord started = exports.start("stop_problems", (out, progress) -> writeCsv(out, progress));
 *     ...
 *     Optional<Path> csv = exports.file(started.id());
 * }
 * }</pre>
 *
 * <p>Each export is an {@link ExportRecord} kept under the given pipeline, expiring after the TTL.
 * The job writes to {@code .<stem>-<id>.csv.part} (owner-only, in an owner-only directory); its
 * size and SHA-256 are computed while it writes; the file is forced to disk and renamed to
 * {@code <stem>-<id>.csv}; then the record becomes COMPLETED with the file's metadata. A failed job
 * leaves no file and a FAILED record with a one-line error (the stack trace goes to the log).
 *
 * <p>{@link #file(String)} never lets a caller's string reach the file system: the path comes from
 * the stored record, and must be a regular file directly in the directory named after the export.
 * Expired exports, their files and orphan export files are removed every minute (and by
 * {@link #purgeExpired()}).
 */
public final class ExportTracker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExportTracker.class);
    private static final long FLUSH_MILLIS = 250;
    private static final Duration STOP_BOUND = Duration.ofSeconds(2);
    private static final int MAX_ERROR = 300;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicInteger TRACKERS = new AtomicInteger();

    private final StateBackend backend;
    private final String pipeline;
    private final Path directory;
    private final Duration ttl;
    private final int maxRunning;
    private final Duration closeTimeout;
    private final Clock clock;
    private final Map<String, RunningExport> running = new ConcurrentHashMap<>();
    private final Map<String, Instant> written = new ConcurrentHashMap<>(); // finished file name -> expiry
    private final ThreadPoolExecutor executor;
    private final ScheduledExecutorService housekeeping;
    private boolean closed;

    private ExportTracker(Builder b) {
        this.backend = b.backend;
        this.pipeline = b.pipeline;
        this.directory = b.directory.toAbsolutePath().normalize();
        this.ttl = b.ttl;
        this.maxRunning = b.maxRunning;
        this.closeTimeout = b.closeTimeout;
        this.clock = b.clock;
        try {
            ExportFiles.createDirectory(directory);
        } catch (IOException e) {
            throw new PipelineException("Cannot create the export directory " + directory + ": " + e, e);
        }
        int n = TRACKERS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(b.threads, b.threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                r -> daemon(r, "pipeline-export-" + n + "-" + threads.incrementAndGet()));
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "pipeline-export-" + n + "-housekeeping"));
        housekeeping.scheduleWithFixedDelay(this::flushProgress, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
        housekeeping.scheduleWithFixedDelay(this::purgeQuietly, 1, 1, TimeUnit.MINUTES);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * @param backend   where export records live; not closed by the tracker
     * @param pipeline  the pipeline the records are kept under
     * @param directory where export files are written (created owner-only when missing)
     * @return a builder
     * @throws IllegalArgumentException naming an invalid pipeline name
     */
    public static Builder builder(StateBackend backend, String pipeline, Path directory) {
        return new Builder(Objects.requireNonNull(backend, "backend"), Names.requirePipeline(pipeline),
                Objects.requireNonNull(directory, "directory"));
    }

    /**
     * Starts an export: stores its RUNNING record and runs the job on the tracker's threads.
     *
     * @param fileStem what the file name starts with, e.g. {@code stop_problems}: 1–40 of {@code a-z 0-9 _ -}
     * @param job      writes the content
     * @return the RUNNING record, at once; its id is 128 random bits in hex
     * @throws IllegalArgumentException naming the stem when it is invalid
     * @throws IllegalStateException    when {@code maxRunning} exports are running already, or the tracker is closed
     * @throws dev.pipelinesdk.api.StateBackendException when the record cannot be stored (nothing runs then)
     */
    public ExportRecord start(String fileStem, ExportJob job) {
        if (fileStem == null || !ExportFiles.STEM.matcher(fileStem).matches()) {
            throw new IllegalArgumentException("Invalid export file stem " + (fileStem == null ? "null" : "'" + fileStem + "'")
                    + ": expected 1-40 characters of a-z, 0-9, '_' and '-'");
        }
        Objects.requireNonNull(job, "job");
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String id = HexFormat.of().formatHex(random);
        Instant now = clock.instant();
        RunningExport export = new RunningExport(fileStem, ExportRecord.started(id, now, now.plus(ttl)));
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("The export tracker of '" + pipeline + "' is closed; no export can start");
            }
            if (running.size() >= maxRunning) {
                throw new IllegalStateException("Too many exports of '" + pipeline + "' running (" + running.size()
                        + " of at most " + maxRunning + "); try again when one has finished");
            }
            running.put(id, export);
        }
        try {
            backend.putExport(pipeline, export.started);
            executor.execute(() -> run(export, job));
        } catch (RuntimeException e) {
            running.remove(id);
            if (e instanceof RejectedExecutionException) {
                finish(export, export.started.failed("service stopped"));
                throw new IllegalStateException("The export tracker of '" + pipeline + "' is closed; no export can start");
            }
            throw e;
        }
        return export.started;
    }

    /**
     * @param id an export id, as a caller gave it
     * @return the export's record; empty when the id is not a valid id, unknown or expired
     * @throws dev.pipelinesdk.api.StateBackendException when the backend cannot be reached
     */
    public Optional<ExportRecord> find(String id) {
        if (id == null || !ExportFiles.ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return backend.readExport(pipeline, id).filter(r -> !r.isExpired(clock.instant()));
    }

    /**
     * @param id an export id, as a caller gave it
     * @return the finished file of a COMPLETED, unexpired export: the path stored in its record,
     *     when that is a regular file of the recorded size directly in the directory and named
     *     {@code <stem>-<id>.csv}; empty otherwise
     * @throws dev.pipelinesdk.api.StateBackendException when the backend cannot be reached
     */
    public Optional<Path> file(String id) {
        Optional<ExportRecord> record = find(id);
        if (record.isEmpty() || record.get().state() != ExportRecord.State.COMPLETED) {
            return Optional.empty();
        }
        ExportRecord.FileInfo info = record.get().file();
        Optional<Path> path = ownFile(info.path(), id);
        try {
            if (path.isPresent() && Files.size(path.get()) == info.sizeBytes()) {
                return path;
            }
        } catch (IOException e) {
            LOG.debug("Cannot read the size of export file {}: {}", path.get(), e.getMessage());
            return Optional.empty();
        }
        if (path.isEmpty()) {
            LOG.warn("Export record '{}' of '{}' names a file that is not its file in {}; refused", id, pipeline, directory);
        } else {
            LOG.warn("Export file {} does not have its recorded size of {} bytes; refused", path.get(), info.sizeBytes());
        }
        return Optional.empty();
    }

    /** The path, when it is the export's own regular file directly in the directory. */
    private Optional<Path> ownFile(String stored, String id) {
        Path path;
        try {
            path = Path.of(stored).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
        if (!directory.equals(path.getParent()) || path.getFileName() == null
                || !ExportFiles.isFileNameOf(path.getFileName().toString(), id)
                || !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.of(path);
    }

    /**
     * Removes expired export records with their files, and export files in the directory that no
     * unexpired record names and that are older than the TTL (left by a crash or by a record that
     * expired elsewhere). Other files in the directory are never touched. Runs every minute on its own.
     *
     * @return how many records and files were removed
     * @throws dev.pipelinesdk.api.StateBackendException when the backend cannot be reached
     */
    public int purgeExpired() {
        Instant now = clock.instant();
        int removed = 0;
        Set<String> live = new HashSet<>(running.keySet());
        for (ExportRecord r : backend.listExports(pipeline)) {
            if (!r.isExpired(now) || running.containsKey(r.id())) {
                live.add(r.id());
                continue;
            }
            if (r.file() != null) {
                ownFile(r.file().path(), r.id()).ifPresent(this::delete);
            }
            backend.deleteExport(pipeline, r.id());
            removed++;
        }
        for (Map.Entry<String, Instant> e : written.entrySet()) { // records the backend already forgot
            if (!now.isBefore(e.getValue())) {
                written.remove(e.getKey());
                if (delete(directory.resolve(e.getKey()))) {
                    removed++;
                }
            }
        }
        Instant cutoff = now.minus(ttl);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                Optional<String> id = ExportFiles.idOf(file.getFileName().toString());
                if (id.isEmpty() || live.contains(id.get()) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(cutoff) && delete(file)) {
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list the export directory {} to remove orphan files: {}", directory, e.getMessage());
        }
        return removed;
    }

    /** @return the directory export files are written to (absolute) */
    public Path directory() {
        return directory;
    }

    /** @return how many exports of this tracker are running or waiting for a thread */
    public int runningCount() {
        return running.size();
    }

    /**
     * Stops taking exports, waits up to the close timeout for running ones, then interrupts those
     * still running and marks them FAILED ("service stopped"); their partial files are removed.
     * Does not close the backend. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        executor.shutdown();
        boolean done = awaitJobs(closeTimeout);
        if (!done) {
            for (RunningExport export : running.values()) {
                finish(export, export.started.withProgress(export.progress()).failed("service stopped"));
            }
            executor.shutdownNow(); // jobs never started are dropped; their records are FAILED above
            if (!awaitJobs(STOP_BOUND)) {
                LOG.warn("Export jobs of '{}' still run {} ms after being interrupted at close", pipeline,
                        STOP_BOUND.toMillis());
            }
            running.clear();
        }
        housekeeping.shutdownNow();
    }

    private boolean awaitJobs(Duration bound) {
        try {
            return executor.awaitTermination(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String toString() {
        return "ExportTracker[" + pipeline + ", " + directory + "]";
    }

    // ---- job threads --------------------------------------------------------------------------

    private void run(RunningExport export, ExportJob job) {
        String id = export.started.id();
        Path temp = directory.resolve(ExportFiles.tempName(export.stem, id));
        Path target = directory.resolve(ExportFiles.fileName(export.stem, id));
        boolean moved = false;
        try {
            ExportFiles.Written w = ExportFiles.write(temp, out -> job.write(out, export::progress));
            // kept for the ttl after it completed, so that a long export is still there to download
            ExportRecord started = export.started;
            ExportRecord done = new ExportRecord(id, ExportRecord.State.COMPLETED, export.progress(),
                    new ExportRecord.FileInfo(target.toString(), w.sizeBytes(), w.sha256(), w.rows()),
                    started.createdAt(), clock.instant().plus(ttl), null);
            synchronized (export) {
                if (export.finished) { // given up at close
                    delete(temp);
                    return;
                }
                ExportFiles.moveIntoPlace(temp, target);
                moved = true;
                written.put(target.getFileName().toString(), done.expiresAt());
                backend.putExport(pipeline, done);
                export.finished = true;
            }
            LOG.debug("Export {} of '{}' completed: {} rows, {} bytes", id, pipeline, w.rows(), w.sizeBytes());
        } catch (Exception | Error e) {
            delete(temp);
            if (moved) {
                written.remove(target.getFileName().toString());
                delete(target);
            }
            String error = oneLine(e);
            if (finish(export, export.started.withProgress(export.progress()).failed(error))) {
                LOG.warn("Export {} of '{}' failed: {}", id, pipeline, error, e);
            }
            if (e instanceof Error err) {
                throw err;
            }
        } finally {
            running.remove(id);
        }
    }

    /** Writes a final record unless one was written; @return {@code true} when this call wrote it. */
    private boolean finish(RunningExport export, ExportRecord last) {
        synchronized (export) {
            if (export.finished) {
                return false;
            }
            export.finished = true;
            try {
                backend.putExport(pipeline, last);
            } catch (RuntimeException e) {
                LOG.warn("Cannot store the {} record of export {} of '{}': {}", last.state(), last.id(), pipeline,
                        e.getMessage());
            }
            return true;
        }
    }

    private void flushProgress() {
        for (RunningExport export : running.values()) {
            if (!export.takeDirty()) {
                continue;
            }
            synchronized (export) {
                if (export.finished) {
                    continue;
                }
                try {
                    backend.putExport(pipeline, export.started.withProgress(export.progress()));
                } catch (RuntimeException e) {
                    LOG.debug("Cannot store the progress of export {} of '{}': {}", export.started.id(), pipeline,
                            e.getMessage());
                }
            }
        }
    }

    private void purgeQuietly() {
        try {
            int n = purgeExpired();
            if (n > 0) {
                LOG.debug("Removed {} expired export records and files of '{}'", n, pipeline);
            }
        } catch (RuntimeException e) {
            LOG.warn("Cannot remove expired exports of '{}': {}", pipeline, e.getMessage());
        }
    }

    private boolean delete(Path file) {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Cannot delete export file {}: {}", file, e.getMessage());
            return false;
        }
    }

    static String oneLine(Throwable e) {
        String message = e.getMessage();
        String text = e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
        text = text.replaceAll("\\s+", " ").trim();
        return text.length() <= MAX_ERROR ? text : text.substring(0, MAX_ERROR - 1) + "…";
    }

    /** Builds an {@link ExportTracker}; every setter rejects a bad value with the value in the message. Not thread-safe. */
    public static final class Builder {
        private final StateBackend backend;
        private final String pipeline;
        private final Path directory;
        private Duration ttl = Duration.ofHours(1);
        private int threads = 2;
        private int maxRunning = 4;
        private Duration closeTimeout = Duration.ofSeconds(10);
        private Clock clock = Clock.systemUTC();

        private Builder(StateBackend backend, String pipeline, Path directory) {
            this.backend = backend;
            this.pipeline = pipeline;
            this.directory = directory;
        }

        /**
         * @param ttl how long an export's record and file are kept after it completed (default 1 h, 1 s
         *            to 30 days); a running export's record is dated from its start
         * @return this
         */
        public Builder ttl(Duration ttl) {
            this.ttl = Checks.within("ttl", ttl, Duration.ofSeconds(1), Duration.ofDays(30));
            return this;
        }

        /**
         * @param threads exports written at the same time (default 2, 1 to 64); more wait for a thread
         * @return this
         */
        public Builder threads(int threads) {
            this.threads = Checks.within("threads", threads, 1, 64);
            return this;
        }

        /**
         * @param maxRunning exports running or waiting at most (default 4, 1 to 1000); {@code start}
         *                   refuses more with an {@link IllegalStateException}
         * @return this
         */
        public Builder maxRunning(int maxRunning) {
            this.maxRunning = Checks.within("maxRunning", maxRunning, 1, 1000);
            return this;
        }

        /**
         * @param timeout how long {@code close()} waits for running exports before failing them
         *                (default 10 s, 0 to 1 h)
         * @return this
         */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = Checks.within("closeTimeout", timeout, Duration.ZERO, Duration.ofHours(1));
            return this;
        }

        /**
         * @param clock wall time for record creation and expiry (default UTC system clock); give the
         *              backend the same clock
         * @return this
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Creates the directory when missing and starts the tracker's threads.
         *
         * @return the tracker; close it to stop its threads
         * @throws PipelineException naming the directory when it cannot be created
         */
        public ExportTracker build() {
            return new ExportTracker(this);
        }
    }
}
