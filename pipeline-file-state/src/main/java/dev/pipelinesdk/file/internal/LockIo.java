package dev.pipelinesdk.file.internal;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs every operation on a lock file on one JVM-wide daemon thread that nothing ever interrupts.
 *
 * <p>Why: a {@link java.nio.channels.FileChannel} is interruptible. If the thread doing I/O on the
 * locked channel is interrupted (a runner shutting down, a user thread calling
 * {@code Lease.renew()}), the channel is closed, and with it the kernel drops the process's lock,
 * while this JVM still believes it holds the lease. Callers here wait for the result without
 * giving up when interrupted, and keep their interrupt flag. Like {@link LockFileRegistry}, it is
 * JVM-wide because the locks it protects are process-wide. Not part of the public API.
 */
final class LockIo {

    private static final ExecutorService THREAD = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "pipeline-file-lock-io");
        t.setDaemon(true);
        return t;
    });

    private LockIo() {
    }

    /** An operation on a lock file. */
    @FunctionalInterface
    interface Operation<T> {
        T run() throws IOException;
    }

    static <T> T call(Operation<T> operation) throws IOException {
        Future<T> result = THREAD.submit(operation::run);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the operation is already under way: see it through
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException io) {
                        throw io;
                    }
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    if (cause instanceof Error error) {
                        throw error;
                    }
                    throw new IOException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
