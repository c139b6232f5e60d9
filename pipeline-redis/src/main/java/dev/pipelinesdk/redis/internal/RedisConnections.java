package dev.pipelinesdk.redis.internal;

import dev.pipelinesdk.api.StateBackendException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lettuce client of one backend: one shared connection for commands (Lettuce connections are
 * thread-safe) and a separate one for pub/sub, each opened on first use. A failed connect throws
 * and the next call tries again; once open, a connection reconnects by itself.
 *
 * <p>Commands are <em>rejected</em> while disconnected, never queued to be replayed after a
 * reconnect (a replayed acquire could take a lease that nobody releases); a command that timed out
 * is never sent again either. Every command is bounded by the command timeout.
 */
public final class RedisConnections implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisConnections.class);

    /** String keys, values stored byte for byte. */
    public static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private static final Duration RECONNECT_MIN = Duration.ofMillis(20);
    private static final Duration RECONNECT_MAX = Duration.ofSeconds(1);

    private final RedisUrl url;
    private final RedisFailures failures;
    private final RedisURI uri;
    private final ClientResources resources;
    private final RedisClient client;
    private final Object lock = new Object();
    private volatile StatefulRedisConnection<String, byte[]> commands;
    private volatile StatefulRedisPubSubConnection<String, byte[]> pubSub;
    private volatile boolean closed;

    /**
     * Creates the client; connects nothing yet.
     *
     * @param url            where Redis is
     * @param connectTimeout bound of a TCP (and TLS) connect
     * @param commandTimeout bound of every command and of the connection handshake
     */
    public RedisConnections(RedisUrl url, Duration connectTimeout, Duration commandTimeout) {
        this.url = url;
        this.failures = new RedisFailures(url, commandTimeout);
        this.uri = url.toRedisUri(commandTimeout);
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(RECONNECT_MIN, RECONNECT_MAX, 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).keepAlive(true).build())
                .sslOptions(SslOptions.builder().handshakeTimeout(connectTimeout).build())
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .build());
    }

    /** @return the failure translator of this connection */
    public RedisFailures failures() {
        return failures;
    }

    /**
     * Runs commands on the shared connection; every exception becomes a {@link StateBackendException}.
     *
     * @param operation what is attempted, for messages ("read the status of 'stops'"); asked only
     *                  when something fails, so that a successful call builds no message
     * @param body      the commands
     * @param <T>       the result type
     * @return what the body returned
     */
    public <T> T call(Supplier<String> operation, Function<RedisCommands<String, byte[]>, T> body) {
        StatefulRedisConnection<String, byte[]> connection = commands(operation);
        try {
            return body.apply(connection.sync());
        } catch (RuntimeException e) {
            throw failures.operationFailed(operation.get(), e);
        }
    }

    /**
     * Runs a script with EVALSHA, falling back to EVAL when the server does not know it. Call
     * inside {@link #call}.
     *
     * @param redis  the commands
     * @param script the script
     * @param type   the reply type
     * @param keys   KEYS
     * @param args   ARGV
     * @param <T>    the reply type
     * @return the reply
     */
    public static <T> T eval(RedisCommands<String, byte[]> redis, LuaScripts.Script script, ScriptOutputType type,
                             String[] keys, byte[][] args) {
        try {
            return redis.evalsha(script.sha1(), type, keys, args);
        } catch (RedisNoScriptException e) {
            LOG.debug("Script {} not cached on the server; sending it", script.name());
            return redis.eval(script.text(), type, keys, args);
        }
    }

    private StatefulRedisConnection<String, byte[]> commands(Supplier<String> operation) {
        StatefulRedisConnection<String, byte[]> c = commands;
        if (c != null && !closed) {
            return c;
        }
        synchronized (lock) {
            if (closed) {
                throw failures.closed(operation.get());
            }
            if (commands == null) {
                commands = connect(operation.get(), () -> client.connect(CODEC, uri));
                LOG.info("Connected to Redis at {}", url.masked());
            }
            return commands;
        }
    }

    /**
     * @param operation what the connection is for
     * @param listener  receives every message; added once, when the connection is made
     * @return the pub/sub connection, opened on first use
     */
    public StatefulRedisPubSubConnection<String, byte[]> pubSub(String operation,
                                                                RedisPubSubListener<String, byte[]> listener) {
        StatefulRedisPubSubConnection<String, byte[]> c = pubSub;
        if (c != null && !closed) {
            return c;
        }
        synchronized (lock) {
            if (closed) {
                throw failures.closed(operation);
            }
            if (pubSub == null) {
                StatefulRedisPubSubConnection<String, byte[]> connection =
                        connect(operation, () -> client.connectPubSub(CODEC, uri));
                connection.addListener(listener);
                pubSub = connection;
                LOG.debug("Opened the pub/sub connection to Redis at {}", url.masked());
            }
            return pubSub;
        }
    }

    /**
     * Connects, trying again (at most twice) when Lettuce lost the reason of a failed handshake: when
     * the server refuses the handshake (e.g. NOAUTH) faster than the connect listener is attached,
     * Lettuce reports only "RedisHandshakeHandler not registered"; a second attempt reports the
     * server's answer.
     */
    private <C> C connect(String operation, Supplier<C> connect) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                return connect.get();
            } catch (RuntimeException e) {
                last = e;
                if (!isHandshakeRace(e)) {
                    break;
                }
                LOG.debug("Connecting to {} failed without a reason (attempt {}); trying again", url.masked(), attempt);
            }
        }
        throw failures.connectFailed(operation, last);
    }

    private static boolean isHandshakeRace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("HandshakeHandler not registered")) {
                return true;
            }
        }
        return false;
    }

    /** @return {@code true} once {@link #close()} was called */
    public boolean isClosed() {
        return closed;
    }

    /** Closes both connections and shuts the client down. Idempotent. */
    @Override
    public void close() {
        StatefulRedisConnection<String, byte[]> c;
        StatefulRedisPubSubConnection<String, byte[]> p;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            c = commands;
            p = pubSub;
            commands = null;
            pubSub = null;
        }
        closeQuietly(p);
        closeQuietly(c);
        try {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            LOG.debug("Shutting down the Redis client of {} failed", url.masked(), e);
        }
        try {
            resources.shutdown(0, 2, TimeUnit.SECONDS).get(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("Shutting down the Redis client resources of {} failed", url.masked(), e);
        }
    }

    private void closeQuietly(StatefulRedisConnection<String, byte[]> connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (RuntimeException e) {
            LOG.debug("Closing a connection to {} failed", url.masked(), e);
        }
    }
}
