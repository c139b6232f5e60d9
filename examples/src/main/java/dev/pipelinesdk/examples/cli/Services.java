package dev.pipelinesdk.examples.cli;

import dev.pipelinesdk.api.StateBackend;
import dev.pipelinesdk.core.config.DatabaseUrl;
import dev.pipelinesdk.core.jdbc.JdbcRunHistory;
import dev.pipelinesdk.embeddedpg.EmbeddedPostgresException;
import dev.pipelinesdk.embeddedpg.SharedPostgres;
import dev.pipelinesdk.examples.ExampleConfig;
import dev.pipelinesdk.file.FileStateBackend;
import dev.pipelinesdk.redis.RedisStateBackend;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database and the state backend of one command, opened on first use and closed together:
 * {@code DATABASE_URL}'s server, or the embedded one shared by the processes using
 * {@code ./pipeline-data}; the file or Redis state backend.
 */
final class Services implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Services.class);

    private final ExampleConfig config;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private DataSource dataSource;
    private String databaseDescription;
    private StateBackend backend;

    Services(ExampleConfig config) {
        this.config = config;
    }

    /** @return the database, checked reachable */
    synchronized DataSource dataSource() {
        if (dataSource == null) {
            DataSource ds;
            if (config.pipeline().database().isPresent()) {
                DatabaseUrl url = config.pipeline().database().get();
                PGSimpleDataSource pg = new PGSimpleDataSource();
                pg.setUrl(url.jdbcUrl());
                url.user().ifPresent(pg::setUser);
                url.password().ifPresent(pg::setPassword);
                pg.setConnectTimeout(10);
                pg.setApplicationName("pipeline-example");
                ds = pg;
                databaseDescription = "DATABASE_URL " + url;
            } else {
                SharedPostgres.Attachment attachment;
                try {
                    attachment = SharedPostgres.attach(config.dataDir());
                } catch (EmbeddedPostgresException e) {
                    throw new UnavailableException("The embedded PostgreSQL in " + config.dataDir().resolve("postgres")
                            + " is not available: " + Cli.firstLine(e.getMessage()) + " (details in "
                            + config.dataDir().resolve("postgres.log") + ")", e);
                }
                opened.add(attachment);
                ds = attachment.dataSource();
                databaseDescription = "the embedded PostgreSQL in " + config.dataDir().resolve("postgres");
            }
            try (Connection c = ds.getConnection()) {
                c.isValid(5);
            } catch (SQLException e) {
                throw new UnavailableException("Cannot reach " + databaseDescription + ": " + e.getMessage(), e);
            }
            log.debug("Database: {}", databaseDescription);
            dataSource = ds;
        }
        return dataSource;
    }

    synchronized JdbcRunHistory history() {
        return JdbcRunHistory.create(dataSource());
    }

    /** @return the state backend */
    synchronized StateBackend backend() {
        if (backend == null) {
            StateBackend b = switch (config.pipeline().stateBackend()) {
                case FILE -> FileStateBackend.open(stateDir());
                case REDIS -> RedisStateBackend.open(config.pipeline().redisUrl().orElseThrow());
            };
            opened.add(b);
            backend = b;
        }
        return backend;
    }

    private Path stateDir() {
        Path dir = config.pipeline().stateDir();
        return dir.isAbsolute() ? dir : config.dataDir().getParent().resolve(dir).normalize();
    }

    ExampleConfig config() {
        return config;
    }

    @Override
    public synchronized void close() {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                log.warn("Could not close {}: {}", opened.get(i), e.toString());
            }
        }
        opened.clear();
    }

    /** The database or the state backend cannot be reached: exit code {@value ExitCodes#UNAVAILABLE}. */
    static final class UnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
