package dev.pipelinesdk.benchmarks;

import dev.pipelinesdk.core.testing.PostgresServer;
import dev.pipelinesdk.redis.RedisServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the benchmarks run against, started on first use and stopped at the end: a real
 * {@code redis-server} and a real PostgreSQL (the same harnesses as the tests), and a scratch
 * directory.
 */
public final class Environment implements AutoCloseable {
    private final Path scratch;
    private RedisServerProcess redis;
    private PostgresServer postgres;

    Environment() {
        try {
            scratch = Files.createTempDirectory("pipeline-benchmarks-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return a directory for this run's files (deleted at the end is not promised) */
    public Path scratch() {
        return scratch;
    }

    /** @return a running redis-server (no password, loopback) */
    public synchronized RedisServerProcess redis() throws Exception {
        if (redis == null) {
            redis = RedisServerProcess.start(scratch.resolve("redis"));
        }
        return redis;
    }

    /**
     * @return a fresh database on a running PostgreSQL 17 (started with fsync off, as for the
     *     tests, unless {@code PIPELINE_TEST_DATABASE_URL} names a server)
     */
    public synchronized PostgresServer.Database database() {
        if (postgres == null) {
            postgres = PostgresServer.shared();
        }
        return postgres.newDatabase();
    }

    @Override
    public synchronized void close() {
        if (redis != null) {
            redis.close();
        }
        // the shared PostgreSQL stops with the JVM
    }
}
