package dev.pipelinesdk.benchmarks.runner;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A pooling {@link DataSource} that counts the statements sent through it. Connections are kept
 * open and handed out again (closing a handed-out connection returns it), as a connection pool
 * would do in production; {@code JdbcRunHistory} takes a connection per call. Counted, through
 * {@link Proxy}s on {@link Connection} and {@link Statement}: every {@code execute*} call (an
 * {@code executeBatch} counts once: pgjdbc sends a batch in one round trip; its rows are counted
 * separately), and every {@code commit}/{@code rollback}. pgjdbc sends {@code BEGIN} with the first
 * statement after {@code setAutoCommit(false)}, so that costs no round trip of its own.
 */
final class CountingDataSource implements DataSource, AutoCloseable {

    private final DataSource physical;
    private final Deque<Connection> idle = new ConcurrentLinkedDeque<>();
    private final Deque<Connection> all = new ConcurrentLinkedDeque<>();
    private final AtomicLong statements = new AtomicLong();
    private final AtomicLong batchRows = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong connectionsTaken = new AtomicLong();
    private final AtomicLong nanos = new AtomicLong();
    private final Map<String, AtomicLong> perStatement = new ConcurrentHashMap<>();

    CountingDataSource(DataSource physical) {
        this.physical = physical;
    }

    void reset() {
        statements.set(0);
        batchRows.set(0);
        batches.set(0);
        commits.set(0);
        connectionsTaken.set(0);
        nanos.set(0);
        perStatement.clear();
    }

    /** @return ns spent per statement kind (its first words), slowest first */
    List<Map.Entry<String, Long>> nanosPerStatement() {
        List<Map.Entry<String, Long>> out = new ArrayList<>();
        perStatement.forEach((k, v) -> out.add(Map.entry(k, v.get())));
        out.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        return out;
    }

    private static String label(String sql) {
        String oneLine = sql.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 40 ? oneLine : oneLine.substring(0, 40) + "…";
    }

    /** @return ns spent waiting in counted calls (statements, commits) */
    long nanos() {
        return nanos.get();
    }

    /** @return execute calls (a batch counts once) */
    long statements() {
        return statements.get();
    }

    /** @return rows sent in batches */
    long batchRows() {
        return batchRows.get();
    }

    /** @return {@code executeBatch} calls (each also counted as a statement) */
    long batches() {
        return batches.get();
    }

    /** @return commits and rollbacks */
    long commits() {
        return commits.get();
    }

    /** @return round trips: statements plus commits and rollbacks */
    long roundTrips() {
        return statements.get() + commits.get();
    }

    /** @return connections handed out (taken from the pool, no round trip) */
    long connectionsTaken() {
        return connectionsTaken.get();
    }

    /** @return how many physical connections were opened */
    int physicalConnections() {
        return all.size();
    }

    @Override
    public Connection getConnection() throws SQLException {
        connectionsTaken.incrementAndGet();
        Connection c = idle.pollFirst();
        if (c == null) {
            c = physical.getConnection();
            all.add(c);
        }
        return wrap(c);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("only the configured user is pooled");
    }

    private Connection wrap(Connection c) {
        boolean[] closed = {false};
        InvocationHandler handler = (proxy, method, args) -> {
            switch (method.getName()) {
                case "close" -> {
                    if (!closed[0]) {
                        closed[0] = true;
                        if (!c.getAutoCommit()) { // never hand out a connection inside a transaction
                            c.rollback();
                            c.setAutoCommit(true);
                        }
                        idle.addFirst(c);
                    }
                    return null;
                }
                case "isClosed" -> {
                    return closed[0] || c.isClosed();
                }
                case "commit", "rollback" -> {
                    commits.incrementAndGet();
                    return timed(c, method, args);
                }
                default -> {
                }
            }
            if (closed[0]) {
                throw new SQLException("connection handed back to the pool");
            }
            Object result = invoke(c, method, args);
            String sql = args != null && args.length > 0 && args[0] instanceof String text ? text : null;
            return result instanceof Statement s ? wrapStatement(s, method.getReturnType(), sql) : result;
        };
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                handler);
    }

    private Object wrapStatement(Statement s, Class<?> type, String preparedSql) {
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            if (name.startsWith("execute")) {
                statements.incrementAndGet();
                if (name.endsWith("Batch")) {
                    batches.incrementAndGet();
                }
                String sql = preparedSql != null ? preparedSql
                        : args != null && args.length > 0 && args[0] instanceof String text ? text : "?";
                long start = System.nanoTime();
                try {
                    return timed(s, method, args);
                } finally {
                    perStatement.computeIfAbsent(label(sql), k -> new AtomicLong())
                            .addAndGet(System.nanoTime() - start);
                }
            } else if (name.equals("addBatch")) {
                batchRows.incrementAndGet();
            }
            return invoke(s, method, args);
        };
        return Proxy.newProxyInstance(Statement.class.getClassLoader(), new Class<?>[] {type}, handler);
    }

    private Object timed(Object target, Method method, Object[] args) throws Throwable {
        long start = System.nanoTime();
        try {
            return invoke(target, method, args);
        } finally {
            nanos.addAndGet(System.nanoTime() - start);
        }
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Closes every physical connection. */
    @Override
    public void close() {
        for (Connection c : all) {
            try {
                c.close();
            } catch (SQLException e) {
                // closing at the end of the benchmark: nothing to do
            }
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return physical.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        physical.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        physical.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return physical.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return physical.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return physical.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || physical.isWrapperFor(iface);
    }
}
