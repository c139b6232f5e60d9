package dev.pipelinesdk.benchmarks.drill;

import dev.pipelinesdk.examples.pipeline.StopsTables;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Reads the served tables' digest every {@value #PERIOD_MS} ms on a thread of its own while a drill
 * runs. A read that is neither the reference nor the empty state is <em>bad</em> (half-imported
 * data served); a query that fails (the database is down or restarting) counts as an error, i.e.
 * the data was unavailable, not wrong.
 */
final class ServedReads implements AutoCloseable {
    private static final long PERIOD_MS = 50;

    private final DataSource dataSource;
    private final String reference;
    private final String empty;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong bad = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final Thread thread;

    private ServedReads(DataSource dataSource, String reference, String empty) {
        this.dataSource = dataSource;
        this.reference = reference;
        this.empty = empty;
        this.thread = new Thread(this::loop, "drill-served-reads");
        thread.setDaemon(true);
    }

    /** Starts reading. */
    static ServedReads start(DataSource dataSource, String reference, String empty) {
        ServedReads r = new ServedReads(dataSource, reference, empty);
        r.thread.start();
        return r;
    }

    long reads() {
        return reads.get();
    }

    long bad() {
        return bad.get();
    }

    long errors() {
        return errors.get();
    }

    /** @return a digest of both served tables' rows, independent of their order */
    static String digest(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return digest(c);
        }
    }

    private static String digest(Connection c) throws SQLException {
        return StopsTables.servedDigest(c);
    }

    private void loop() {
        Connection c = null;
        while (!stop.get()) {
            try {
                if (c == null) {
                    c = dataSource.getConnection();
                }
                String d = digest(c);
                reads.incrementAndGet();
                if (!d.equals(reference) && !d.equals(empty)) {
                    bad.incrementAndGet();
                    System.err.println("fault drill: bad served read " + d);
                }
            } catch (SQLException e) {
                errors.incrementAndGet();
                close(c);
                c = null;
            }
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                break;
            }
        }
        close(c);
    }

    private static void close(Connection c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (SQLException ignored) {
            // closing a broken connection
        }
    }

    /** Stops reading and waits (bounded) for the reader thread. */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(5_000);
    }
}
