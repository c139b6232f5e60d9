package dev.pipelinesdk.file.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pipeline's lock file as seen by this whole JVM: the only code that opens, locks and closes
 * it. Obtained from {@link LockFileRegistry}, which hands every backend instance of the JVM the
 * same object for the same file.
 *
 * <p>Why one object per JVM: POSIX record locks ({@code fcntl}, which {@link FileChannel#tryLock()}
 * uses on Linux) belong to the process, and closing <em>any</em> descriptor of the file drops
 * <em>all</em> the process's locks on it, while {@link FileLock#isValid()} still says {@code true}.
 * If a second backend instance of the JVM opened the file to try the lock (or to read who holds
 * it) and closed it again, another process could take a lease that is still held. For the same
 * reason every operation runs on the never-interrupted {@link LockIo} thread: an interrupt during
 * I/O would close the locked channel. So while a
 * {@code keeper} (a backend instance's lease slot) holds the lock, nobody else in the JVM opens the
 * file: they are answered from memory. All methods serialise on one mutex; each holds it only for
 * the duration of a few local file operations. Not part of the public API.
 */
public final class LockFile {

    private static final Logger LOG = LoggerFactory.getLogger(LockFile.class);
    private static final int MAX_CONTENT_BYTES = 4096;
    private static final int PROBE_RETRIES = 6;
    private static final long PROBE_RETRY_NANOS = 1_000_000;

    private final Path path;
    private final ReentrantLock mutex = new ReentrantLock();
    /** Guarded by the registry's map (changed only inside its atomic compute calls). */
    int references;

    // guarded by mutex
    private Object keeper;
    private FileChannel channel;
    private FileLock lock;
    private LockContent content;

    LockFile(Path path) {
        this.path = path;
    }

    /** @return the lock file's path */
    public Path path() {
        return path;
    }

    /**
     * Tries to take the OS lock for {@code who}, without waiting.
     *
     * @param who the would-be keeper (identity is what counts)
     * @return {@code true} when {@code who} now keeps the lock; {@code false} when it is kept by
     *     someone in this JVM or held by another process
     * @throws IOException when the file cannot be opened or locked
     */
    public boolean tryLock(Object who) throws IOException {
        return LockIo.call(() -> {
            mutex.lock();
            try {
                if (keeper != null) {
                    return false;
                }
                FileChannel ch = open();
                FileLock acquired;
                try {
                    acquired = tryLockUnlessHeld(ch);
                    if (acquired != null) {
                        // the previous holder may have died without clearing its content
                        ch.truncate(0);
                    }
                } catch (OverlappingFileLockException e) {
                    // locked through a channel this registry does not know (another class loader?)
                    LOG.warn("Lock file {} is locked elsewhere in this JVM, outside this backend", path);
                    acquired = null;
                } catch (IOException | RuntimeException e) {
                    closeQuietly(ch);
                    throw e;
                }
                if (acquired == null) {
                    ch.close();
                    return false;
                }
                keeper = who;
                channel = ch;
                lock = acquired;
                content = null;
                return true;
            } finally {
                mutex.unlock();
            }
        });
    }

    /**
     * Takes the OS lock, retrying for a few milliseconds while the file names no live holder:
     * another process may be holding the lock only for a moment to see who holds it
     * ({@link #inspect()}), and must not make this acquisition fail.
     */
    private static FileLock tryLockUnlessHeld(FileChannel ch) throws IOException {
        for (int attempt = 1; ; attempt++) {
            FileLock acquired = ch.tryLock();
            if (acquired != null || attempt == PROBE_RETRIES) {
                return acquired;
            }
            Optional<LockContent> recorded = LockContent.parse(readContent(ch));
            if (recorded.isPresent() && recorded.get().isValidAt(Instant.now())
                    && ProcessHandle.of(recorded.get().pid()).map(ProcessHandle::isAlive).orElse(true)) {
                return null; // a live holder
            }
            LockSupport.parkNanos(PROBE_RETRY_NANOS);
        }
    }

    /**
     * Records the lease in the file (truncate, write, force) and in memory.
     *
     * @param who     the keeper
     * @param details the lease
     * @throws IllegalStateException when {@code who} does not keep the lock
     * @throws IOException           when the file cannot be written
     */
    public void write(Object who, LockContent details) throws IOException {
        LockIo.call(() -> {
            mutex.lock();
            try {
                requireKeeper(who);
                content = details;
                channel.truncate(0);
                SecureFiles.writeFully(channel, details.encode(), 0);
                channel.force(false);
                return null;
            } finally {
                mutex.unlock();
            }
        });
    }

    /**
     * Clears the content and releases the OS lock, when {@code who} keeps it; else does nothing.
     * The lock is gone when this returns, even when it throws.
     *
     * @param who the keeper
     * @throws IOException when closing the file failed (the lock is released all the same)
     */
    public void unlock(Object who) throws IOException {
        LockIo.call(() -> {
            mutex.lock();
            try {
                if (keeper != who) {
                    return null;
                }
                FileChannel ch = channel;
                FileLock held = lock;
                keeper = null;
                channel = null;
                lock = null;
                content = null;
                try {
                    ch.truncate(0);
                } catch (IOException e) {
                    LOG.debug("Could not clear lock file {}: {}", path, e.toString());
                }
                try {
                    held.release();
                } finally {
                    ch.close();
                }
                return null;
            } finally {
                mutex.unlock();
            }
        });
    }

    /**
     * @param who a keeper
     * @return {@code true} when {@code who} keeps the lock
     */
    public boolean isKeptBy(Object who) {
        mutex.lock();
        try {
            return keeper == who;
        } finally {
            mutex.unlock();
        }
    }

    /**
     * Finds out who holds the lock. Kept in this JVM: answered from memory. Otherwise the OS lock is
     * tried briefly: when it can be taken nobody holds it (whatever the file says: a killed holder
     * leaves its content behind); when it cannot, the content written by the holder is returned.
     *
     * @return the holder's lease as recorded, empty when nobody holds the lock or the holder has
     *     not written its content yet; the caller still checks the expiry
     * @throws IOException when the file cannot be opened, locked or read
     */
    public Optional<LockContent> inspect() throws IOException {
        return LockIo.call(() -> {
            mutex.lock();
            try {
                if (keeper != null) {
                    return Optional.ofNullable(content);
                }
                if (!Files.exists(path)) {
                    return Optional.empty();
                }
                try (FileChannel ch = open()) {
                    FileLock probe;
                    try {
                        probe = ch.tryLock();
                    } catch (OverlappingFileLockException e) {
                        probe = null;
                    }
                    if (probe != null) {
                        probe.release();
                        return Optional.<LockContent>empty();
                    }
                    return LockContent.parse(readContent(ch));
                }
            } finally {
                mutex.unlock();
            }
        });
    }

    /** @return {@code true} when nobody in this JVM keeps the lock (used when the last reference goes) */
    boolean isIdle() {
        mutex.lock();
        try {
            return keeper == null;
        } finally {
            mutex.unlock();
        }
    }

    private FileChannel open() throws IOException {
        return FileChannel.open(path, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE), SecureFiles.fileAttributes(path));
    }

    private static byte[] readContent(FileChannel ch) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_CONTENT_BYTES);
        long pos = 0;
        int n;
        while (buffer.hasRemaining() && (n = ch.read(buffer, pos)) > 0) {
            pos += n;
        }
        byte[] bytes = new byte[buffer.position()];
        buffer.flip().get(bytes);
        return bytes;
    }

    private void requireKeeper(Object who) {
        if (keeper != who) {
            throw new IllegalStateException("Lock file " + path + " is not kept by the caller");
        }
    }

    private void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            LOG.debug("Could not close lock file {}: {}", path, e.toString());
        }
    }

    @Override
    public String toString() {
        return "LockFile[" + path + "]";
    }
}
