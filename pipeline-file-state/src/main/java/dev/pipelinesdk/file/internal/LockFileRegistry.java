package dev.pipelinesdk.file.internal;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out one {@link LockFile} per lock-file path to every backend instance of the JVM,
 * reference-counted so that entries disappear when no instance uses them any more.
 *
 * <p>This is deliberately the one piece of JVM-wide state of the file backend: the resource it
 * guards, a POSIX record lock, is itself process-wide (see {@link LockFile} for why two channels on
 * the same lock file in one process would silently lose the lock). Time, configuration and lease
 * state remain per backend instance. Copies of this class in different class loaders do not see
 * each other; run one copy of the library per JVM when several share a state directory. Not part
 * of the public API.
 */
public final class LockFileRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(LockFileRegistry.class);
    private static final LockFileRegistry JVM_WIDE = new LockFileRegistry();

    private final ConcurrentMap<Path, LockFile> files = new ConcurrentHashMap<>();

    LockFileRegistry() {
    }

    /** @return the registry shared by all file backends of this JVM (class loader) */
    public static LockFileRegistry jvmWide() {
        return JVM_WIDE;
    }

    /**
     * @param lockPath the lock file's real (symlink-free, absolute) path
     * @return the JVM's object for that file; give it back with {@link #release(LockFile)}
     */
    public LockFile retain(Path lockPath) {
        return files.compute(lockPath, (p, existing) -> {
            LockFile file = existing != null ? existing : new LockFile(p);
            file.references++;
            return file;
        });
    }

    /**
     * Gives back a reference taken with {@link #retain(Path)}; the caller no longer keeps the lock.
     *
     * @param file the object returned by {@link #retain(Path)}
     */
    public void release(LockFile file) {
        files.computeIfPresent(file.path(), (p, existing) -> {
            if (existing != file) {
                return existing;
            }
            existing.references--;
            if (existing.references > 0) {
                return existing;
            }
            if (!existing.isIdle()) {
                LOG.warn("Last reference to {} released while its lock is still kept", p);
                return existing;
            }
            return null;
        });
    }

    /** @return how many lock files are in use (for tests) */
    int size() {
        return files.size();
    }
}
