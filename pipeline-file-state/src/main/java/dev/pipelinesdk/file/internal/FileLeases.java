package dev.pipelinesdk.file.internal;

import dev.pipelinesdk.api.StateBackendException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leases of one file backend instance. A lease is the pipeline's OS file lock, held for the
 * lease's whole life (so the kernel frees it at once when the process dies), plus an expiry on the
 * instance's wall clock: a timer thread (and every call) releases the OS lock of a lease that was
 * not renewed in time. Within the instance an expired lease may be taken over directly, without
 * dropping the OS lock; the fence still goes up. Thread-safe: one guard per pipeline. Not part of
 * the public API.
 */
public final class FileLeases implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FileLeases.class);
    private static final String LOCK_FILE = "lock";
    private static final String FENCE_FILE = "fence";
    /** Longer leases are re-checked at this interval. */
    private static final Duration MAX_TIMER_DELAY = Duration.ofHours(1);

    private final Path directory;
    private final Clock clock;
    private final LockFileRegistry registry;
    private final long pid = ProcessHandle.current().pid();
    private final ConcurrentMap<String, Slot> slots = new ConcurrentHashMap<>();
    private final ReentrantLock lifecycle = new ReentrantLock();
    private ScheduledThreadPoolExecutor timer; // guarded by lifecycle, made on first lease
    private volatile boolean closed;

    /** One pipeline's lease as this instance sees it; fields guarded by {@link #guard}. */
    private static final class Slot {
        final String pipeline;
        final ReentrantLock guard = new ReentrantLock();
        final LockFile lockFile;
        final Path fenceFile;
        String owner; // non-null while this instance holds the lease (and keeps the OS lock)
        long token;
        Instant expiresAt;
        ScheduledFuture<?> expiryTimer;
        long timerGeneration;

        Slot(String pipeline, LockFile lockFile, Path fenceFile) {
            this.pipeline = pipeline;
            this.lockFile = lockFile;
            this.fenceFile = fenceFile;
        }

        boolean holds() {
            return owner != null;
        }
    }

    /**
     * @param directory the state directory (exists)
     * @param clock     wall clock for lease expiry
     * @param registry  where the JVM's lock files are kept
     */
    public FileLeases(Path directory, Clock clock, LockFileRegistry registry) {
        this.directory = directory;
        this.clock = clock;
        this.registry = registry;
    }

    /**
     * @param pipeline the pipeline (validated)
     * @param owner    the would-be holder (validated)
     * @param ttl      the lease's time-to-live
     * @return the new fence, or empty when an unexpired lease exists
     */
    public OptionalLong acquire(String pipeline, String owner, Duration ttl) {
        Slot slot = slot(pipeline);
        sweepExpired(slot);
        slot.guard.lock();
        try {
            requireOpen();
            Instant now = clock.instant();
            Instant expiresAt = now.plus(ttl);
            boolean takeover = slot.holds();
            if (takeover && now.isBefore(slot.expiresAt)) {
                return OptionalLong.empty();
            }
            if (!takeover && !tryLock(slot)) {
                return OptionalLong.empty();
            }
            long token = nextFenceOrUnlock(slot);
            try {
                slot.lockFile.write(slot, new LockContent(owner, token, expiresAt, pid));
            } catch (IOException e) {
                drop(slot);
                throw SecureFiles.failure("write lock file", slot.lockFile.path(), e);
            }
            if (takeover) {
                LOG.info("Lease of pipeline '{}' held by '{}' (fence {}) expired; taken over by '{}' (fence {})",
                        pipeline, slot.owner, slot.token, owner, token);
            } else {
                LOG.debug("Lease of pipeline '{}' granted to '{}' (fence {})", pipeline, owner, token);
            }
            slot.owner = owner;
            slot.token = token;
            slot.expiresAt = expiresAt;
            scheduleExpiry(slot);
            return OptionalLong.of(token);
        } finally {
            slot.guard.unlock();
        }
    }

    /**
     * @param pipeline the pipeline
     * @param owner    the holder
     * @param token    the lease's fence
     * @param ttl      the new time-to-live from now
     * @return {@code true} when this instance holds that unexpired lease and extended it
     */
    public boolean renew(String pipeline, String owner, long token, Duration ttl) {
        Slot slot = slots.get(pipeline);
        if (slot == null) {
            return false;
        }
        slot.guard.lock();
        try {
            if (closed || !holds(slot, owner, token)) {
                return false;
            }
            Instant now = clock.instant();
            if (!now.isBefore(slot.expiresAt)) {
                expire(slot, "renewal came too late");
                return false;
            }
            Instant expiresAt = now.plus(ttl);
            try {
                slot.lockFile.write(slot, new LockContent(owner, token, expiresAt, pid));
            } catch (IOException e) {
                throw SecureFiles.failure("renew lease in lock file", slot.lockFile.path(), e);
            }
            slot.expiresAt = expiresAt;
            scheduleExpiry(slot);
            return true;
        } finally {
            slot.guard.unlock();
        }
    }

    /**
     * Releases the lease when this instance holds it for that owner and token; else does nothing.
     *
     * @param pipeline the pipeline
     * @param owner    the holder
     * @param token    the lease's fence
     */
    public void release(String pipeline, String owner, long token) {
        Slot slot = slots.get(pipeline);
        if (slot == null) {
            return;
        }
        slot.guard.lock();
        try {
            if (holds(slot, owner, token)) {
                LOG.debug("Lease of pipeline '{}' released by '{}' (fence {})", pipeline, owner, token);
                drop(slot);
            }
        } finally {
            slot.guard.unlock();
        }
    }

    /**
     * @param pipeline the pipeline
     * @return the owner of its unexpired lease, held by this instance, another instance of this JVM
     *     or another process
     */
    public Optional<String> holder(String pipeline) {
        Slot slot = slots.get(pipeline);
        if (slot == null) {
            requireOpen();
            if (!Files.isDirectory(directory.resolve(pipeline))) {
                return Optional.empty();
            }
            slot = slot(pipeline);
        }
        sweepExpired(slot);
        slot.guard.lock();
        try {
            requireOpen();
            Instant now = clock.instant();
            if (slot.holds()) {
                if (now.isBefore(slot.expiresAt)) {
                    return Optional.of(slot.owner);
                }
                expire(slot, "expired before it was renewed");
            }
            Optional<LockContent> recorded;
            try {
                recorded = slot.lockFile.inspect();
            } catch (IOException e) {
                throw SecureFiles.failure("inspect lock file", slot.lockFile.path(), e);
            }
            return recorded.filter(c -> c.isValidAt(now)).map(LockContent::owner);
        } finally {
            slot.guard.unlock();
        }
    }

    /** Releases every lease this instance holds and stops the timer. Idempotent. */
    @Override
    public void close() {
        List<Slot> all;
        ScheduledThreadPoolExecutor stopping;
        lifecycle.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(slots.values());
            stopping = timer;
            timer = null;
        } finally {
            lifecycle.unlock();
        }
        for (Slot slot : all) {
            slot.guard.lock();
            try {
                if (slot.holds()) {
                    LOG.info("Releasing lease of pipeline '{}' held by '{}' (fence {}): backend closed",
                            slot.pipeline, slot.owner, slot.token);
                    drop(slot);
                }
            } finally {
                slot.guard.unlock();
            }
            registry.release(slot.lockFile);
        }
        if (stopping != null) {
            stopping.shutdownNow();
        }
    }

    // ---- internals ---------------------------------------------------------------------------

    private Slot slot(String pipeline) {
        Slot slot = slots.get(pipeline);
        if (slot != null) {
            return slot;
        }
        lifecycle.lock();
        try {
            requireOpen();
            slot = slots.get(pipeline);
            if (slot == null) {
                Path dir = directory.resolve(pipeline);
                Path real;
                try {
                    SecureFiles.createDirectories(dir);
                    real = dir.toRealPath();
                } catch (IOException e) {
                    throw SecureFiles.failure("create pipeline directory", dir, e);
                }
                slot = new Slot(pipeline, registry.retain(real.resolve(LOCK_FILE)), dir.resolve(FENCE_FILE));
                slots.put(pipeline, slot);
            }
            return slot;
        } finally {
            lifecycle.unlock();
        }
    }

    private boolean tryLock(Slot slot) {
        try {
            return slot.lockFile.tryLock(slot);
        } catch (IOException e) {
            throw SecureFiles.failure("lock", slot.lockFile.path(), e);
        }
    }

    /** Increments the fence while the OS lock is kept; on any failure the lock is given up. */
    private long nextFenceOrUnlock(Slot slot) {
        try {
            return FenceCounter.next(slot.fenceFile);
        } catch (IOException e) {
            drop(slot);
            throw SecureFiles.failure("update fence counter", slot.fenceFile, e);
        } catch (RuntimeException e) {
            drop(slot);
            throw e;
        }
    }

    private static boolean holds(Slot slot, String owner, long token) {
        return slot.holds() && slot.owner.equals(owner) && slot.token == token;
    }

    /** Lazily releases other pipelines' expired leases (the timer does it too). Never blocks. */
    private void sweepExpired(Slot current) {
        Instant now = clock.instant();
        for (Slot slot : slots.values()) {
            if (slot != current && slot.guard.tryLock()) {
                try {
                    if (slot.holds() && !now.isBefore(slot.expiresAt)) {
                        expire(slot, "expired before it was renewed");
                    }
                } finally {
                    slot.guard.unlock();
                }
            }
        }
    }

    private void expire(Slot slot, String why) {
        LOG.warn("Lease of pipeline '{}' held by '{}' (fence {}) {}; releasing its lock",
                slot.pipeline, slot.owner, slot.token, why);
        drop(slot);
    }

    /** Forgets the lease and releases the OS lock; the lock is gone even when closing fails. */
    private void drop(Slot slot) {
        if (slot.expiryTimer != null) {
            slot.expiryTimer.cancel(false);
            slot.expiryTimer = null;
        }
        slot.timerGeneration++;
        slot.owner = null;
        slot.expiresAt = null;
        try {
            slot.lockFile.unlock(slot);
        } catch (IOException e) {
            LOG.warn("Error closing lock file {} (the lock is released): {}", slot.lockFile.path(), e.toString());
        }
    }

    private void scheduleExpiry(Slot slot) {
        if (slot.expiryTimer != null) {
            slot.expiryTimer.cancel(false);
        }
        slot.expiryTimer = null;
        long generation = ++slot.timerGeneration;
        ScheduledThreadPoolExecutor executor = timer();
        if (executor == null) {
            return; // closing: close() releases the lease
        }
        Duration remaining = Duration.between(clock.instant(), slot.expiresAt);
        long delayNanos = remaining.isNegative() ? 0
                : remaining.compareTo(MAX_TIMER_DELAY) > 0 ? MAX_TIMER_DELAY.toNanos() : remaining.toNanos();
        // +1 ms so that the wall clock has reached the expiry when the timer fires
        slot.expiryTimer = executor.schedule(() -> onTimer(slot, generation),
                delayNanos + TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.NANOSECONDS);
    }

    private void onTimer(Slot slot, long generation) {
        slot.guard.lock();
        try {
            if (closed || generation != slot.timerGeneration || !slot.holds()) {
                return;
            }
            if (clock.instant().isBefore(slot.expiresAt)) {
                scheduleExpiry(slot); // the wall clock lags the timer: look again later
            } else {
                expire(slot, "expired before it was renewed");
            }
        } catch (RuntimeException e) {
            LOG.warn("Lease expiry check of pipeline '{}' failed", slot.pipeline, e);
        } finally {
            slot.guard.unlock();
        }
    }

    /** @return the timer, made on first use; {@code null} once closed */
    private ScheduledThreadPoolExecutor timer() {
        lifecycle.lock();
        try {
            if (closed) {
                return null;
            }
            if (timer == null) {
                timer = new ScheduledThreadPoolExecutor(1, runnable -> {
                    Thread thread = new Thread(runnable, "pipeline-file-state-lease-expiry");
                    thread.setDaemon(true);
                    return thread;
                });
                timer.setRemoveOnCancelPolicy(true);
                timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            }
            return timer;
        } finally {
            lifecycle.unlock();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("File state backend on " + directory + " is closed");
        }
    }
}
