package dev.pipelinesdk.redis;

import dev.pipelinesdk.api.AbstractStateBackend;
import dev.pipelinesdk.api.Names;
import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.StateBackendException;
import dev.pipelinesdk.api.StateCorruptedException;
import dev.pipelinesdk.redis.internal.LuaScripts;
import dev.pipelinesdk.redis.internal.RedisConnections;
import dev.pipelinesdk.redis.internal.RedisKeys;
import dev.pipelinesdk.redis.internal.RedisUrl;
import dev.pipelinesdk.redis.internal.StatusSubscriptions;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link dev.pipelinesdk.api.StateBackend} in Redis, shared by every process and machine that
 * can reach the server. Built on Lettuce.
 *
 * <pre>{@code
 * try (RedisStateBackend backend = RedisStateBackend.open(System.getenv("REDIS_URL"))) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Keys, with a configurable prefix (default {@code pipeline:}):
 * <ul>
 *   <li>{@code {prefix}{name}:status}: the status document (JSON, stored byte for byte); every
 *       published document is also PUBLISHed on {@code {prefix}{name}:events};</li>
 *   <li>{@code {prefix}{name}:lock}: the lease holder's owner id, with a PX TTL;</li>
 *   <li>{@code {prefix}{name}:fence}: the last fencing token issued;</li>
 *   <li>{@code {prefix}{name}:export:{id}}: an export record, expiring at its {@code expiresAt};
 *       {@code {prefix}{name}:exports} indexes them (sorted set, score = expiry in epoch ms).</li>
 * </ul>
 *
 * <p>Acquire (set-if-absent with TTL and fence increment), renew and release (both only while
 * still the owner with the same fence) and publish (store + PUBLISH) are each one server-side
 * script: one round trip, atomic. Fencing tokens are {@code max(last + 1, server time in µs)}, so
 * they keep increasing even after Redis restarted without its data (as long as the server clock
 * does not jump backwards).
 *
 * <p>Connections are opened on first use, so a service can start while Redis is briefly away; a
 * failed connect throws {@link StateBackendException} naming host and port, and the next call
 * tries again. Commands are rejected while the connection is down (never queued and replayed
 * later) and bounded by the command timeout. No message or log line contains the password.
 * Thread-safe. Close the backend to release the leases it still holds and its connections.
 *
 * <p>Implements {@link dev.pipelinesdk.api.StatusSubscriptions} through {@link #subscribe}.
 */
public final class RedisStateBackend extends AbstractStateBackend
        implements dev.pipelinesdk.api.StatusSubscriptions {

    private static final Logger LOG = LoggerFactory.getLogger(RedisStateBackend.class);

    /**
     * A lease this instance holds, released on {@link #close()}. Hashed on every acquire and
     * release: a plain class, because a record's generated {@code equals}/{@code hashCode} go through
     * method handles, which cost several times more until the JIT has compiled them, and most lease
     * calls in a service (one acquire a run) never get that far.
     */
    private static final class Held {
        final String pipeline;
        final String owner;
        final long token;

        Held(String pipeline, String owner, long token) {
            this.pipeline = pipeline;
            this.owner = owner;
            this.token = token;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Held h && token == h.token && pipeline.equals(h.pipeline) && owner.equals(h.owner);
        }

        @Override
        public int hashCode() {
            return (31 * pipeline.hashCode() + owner.hashCode()) * 31 + Long.hashCode(token);
        }
    }

    private final RedisUrl url;
    private final RedisKeys keys;
    private final RedisConnections connections;
    private final StatusSubscriptions subscriptions;
    private final Set<Held> held = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private RedisStateBackend(Builder b) {
        super(b.clock);
        this.url = b.url;
        this.keys = new RedisKeys(b.keyPrefix);
        this.connections = new RedisConnections(b.url, b.connectTimeout, b.commandTimeout);
        this.subscriptions = new StatusSubscriptions(connections, keys);
    }

    /**
     * Opens a backend with the defaults (key prefix {@code pipeline:}, 5 s connect and command
     * timeouts, system UTC clock). Connects on first use.
     *
     * @param redisUrl {@code redis://[[user]:password@]host[:port][/db]} or {@code rediss://…} (TLS)
     * @return the backend
     * @throws IllegalArgumentException naming the URL (password masked) and the accepted forms
     */
    public static RedisStateBackend open(String redisUrl) {
        return builder(redisUrl).build();
    }

    /**
     * @param redisUrl {@code redis://[[user]:password@]host[:port][/db]} or {@code rediss://…} (TLS);
     *                 port 6379 and database 0 by default
     * @return a builder
     * @throws IllegalArgumentException naming the URL (password masked) and the accepted forms
     */
    public static Builder builder(String redisUrl) {
        return new Builder(RedisUrl.parse(redisUrl));
    }

    /** @return the URL with any password replaced by {@code ***}, e.g. {@code redis://:***@cache:6379/0} */
    @Override
    public String description() {
        return url.masked();
    }

    /** @return the key prefix */
    public String keyPrefix() {
        return keys.prefix();
    }

    /**
     * Listens to one pipeline's published status documents as they are published (by any process),
     * instead of polling {@link #readStatus}. Opens the pub/sub connection on first use and returns
     * once Redis confirmed the subscription. Listeners run on one delivery thread of this backend,
     * in publish order; they may call the backend. A message that is not a readable document is
     * logged and skipped; a listener's exception is logged and ignored.
     *
     * @param pipeline the pipeline's name
     * @param listener receives each published document
     * @return the subscription; close it to stop
     * @throws IllegalArgumentException when the name is invalid
     * @throws StateBackendException    when Redis cannot be reached
     */
    @Override
    public StatusSubscription subscribe(String pipeline, Consumer<PipelineStatus> listener) {
        Names.requirePipeline(pipeline);
        Objects.requireNonNull(listener, "listener");
        return subscriptions.subscribe(pipeline, listener);
    }

    /**
     * Listens to the published status documents of every pipeline under this key prefix
     * (PSUBSCRIBE {@code {prefix}*:events}); otherwise as {@link #subscribe}.
     *
     * @param listener receives each published document, of any pipeline
     * @return the subscription; close it to stop
     * @throws StateBackendException when Redis cannot be reached
     */
    public StatusSubscription subscribeAll(Consumer<PipelineStatus> listener) {
        Objects.requireNonNull(listener, "listener");
        return subscriptions.subscribeAll(listener);
    }

    /**
     * Releases the leases this instance still holds (best effort), ends every subscription, closes
     * both connections and shuts the client down. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Held h : new ArrayList<>(held)) {
            try {
                releaseLease(h.pipeline, h.owner, h.token);
            } catch (RuntimeException e) {
                LOG.warn("Could not release the lease of '{}' while closing (it expires by its TTL): {}",
                        h.pipeline, e.getMessage());
            }
        }
        subscriptions.close();
        connections.close();
    }

    @Override
    public String toString() {
        return "RedisStateBackend[" + url.masked() + ", prefix " + keys.prefix() + "]";
    }

    // ---- leases ------------------------------------------------------------------------------

    // Operation descriptions are Suppliers: a message is built only when the operation fails, so
    // a successful call does no string work beyond its keys (memoized for the lease scripts).

    @Override
    protected OptionalLong acquireLease(String pipeline, String owner, Duration ttl) {
        String[] leaseKeys = keys.lease(pipeline);
        byte[][] args = args(owner, Long.toString(ttl.toMillis()));
        Long fence = connections.call(() -> "acquire the lease of '" + pipeline + "'", redis -> {
            try {
                return RedisConnections.<Long>eval(redis, LuaScripts.ACQUIRE, ScriptOutputType.INTEGER, leaseKeys,
                        args);
            } catch (RedisCommandExecutionException e) {
                String m = String.valueOf(e.getMessage());
                int at = m.indexOf(LuaScripts.CORRUPT);
                if (at >= 0) {
                    throw new StateCorruptedException(location(keys.fence(pipeline)),
                            m.substring(at + LuaScripts.CORRUPT.length()), null);
                }
                throw e;
            }
        });
        if (fence == null || fence <= 0) {
            return OptionalLong.empty();
        }
        held.add(new Held(pipeline, owner, fence));
        return OptionalLong.of(fence);
    }

    @Override
    protected boolean renewLease(String pipeline, String owner, long token, Duration ttl) {
        long renewed = run(() -> "renew the lease of '" + pipeline + "'", LuaScripts.RENEW, keys.lease(pipeline),
                args(owner, Long.toString(token), Long.toString(ttl.toMillis())));
        if (renewed == 1L) {
            return true;
        }
        held.remove(new Held(pipeline, owner, token)); // lost for good
        return false;
    }

    @Override
    protected void releaseLease(String pipeline, String owner, long token) {
        held.remove(new Held(pipeline, owner, token)); // when this fails, the lock expires by its TTL
        run(() -> "release the lease of '" + pipeline + "'", LuaScripts.RELEASE, keys.lease(pipeline),
                args(owner, Long.toString(token)));
    }

    @Override
    protected Optional<String> readHolder(String pipeline) {
        byte[] owner = connections.call(() -> "read the lease holder of '" + pipeline + "'",
                redis -> redis.get(keys.lock(pipeline)));
        return owner == null ? Optional.empty() : Optional.of(new String(owner, StandardCharsets.UTF_8));
    }

    // ---- status ------------------------------------------------------------------------------

    @Override
    protected void writeStatus(String pipeline, byte[] json) {
        byte[] channel = keys.events(pipeline).getBytes(StandardCharsets.UTF_8);
        run(() -> "publish the status of '" + pipeline + "'", LuaScripts.PUBLISH, new String[] {keys.status(pipeline)},
                new byte[][] {json, channel});
    }

    @Override
    protected byte[] readStatusBytes(String pipeline) {
        return connections.call(() -> "read the status of '" + pipeline + "'",
                redis -> redis.get(keys.status(pipeline)));
    }

    @Override
    protected String statusLocation(String pipeline) {
        return location(keys.status(pipeline));
    }

    // ---- exports -----------------------------------------------------------------------------

    @Override
    protected void writeExport(String pipeline, String id, byte[] json, Instant expiresAt) {
        String key = keys.export(pipeline, id);
        long now = clock().millis();
        long expiresAtMs = expiresAt.toEpochMilli();
        if (expiresAtMs <= now) {
            deleteExportBytes(pipeline, id);
            return;
        }
        run(() -> "write export record '" + id + "' of '" + pipeline + "'", LuaScripts.PUT_EXPORT,
                new String[] {key, keys.exportIndex(pipeline)},
                new byte[][] {json, bytes(Long.toString(expiresAtMs)), bytes(id), bytes(Long.toString(now))});
    }

    @Override
    protected byte[] readExportBytes(String pipeline, String id) {
        return connections.call(() -> "read export record '" + id + "' of '" + pipeline + "'",
                redis -> redis.get(keys.export(pipeline, id)));
    }

    @Override
    protected String exportLocation(String pipeline, String id) {
        return location(keys.export(pipeline, id));
    }

    @Override
    protected List<String> listExportIds(String pipeline) {
        long now = clock().millis();
        List<Object> ids = connections.call(() -> "list the export records of '" + pipeline + "'",
                redis -> RedisConnections.<List<Object>>eval(redis, LuaScripts.LIST_EXPORTS, ScriptOutputType.MULTI,
                        new String[] {keys.exportIndex(pipeline)}, new byte[][] {bytes(Long.toString(now))}));
        List<String> out = new ArrayList<>(ids.size());
        for (Object id : ids) {
            String s = id instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(id);
            try {
                out.add(Names.requireId(s, "export id"));
            } catch (IllegalArgumentException e) {
                LOG.warn("Ignoring an invalid id in {}: {}", location(keys.exportIndex(pipeline)), e.getMessage());
            }
        }
        return out;
    }

    @Override
    protected void deleteExportBytes(String pipeline, String id) {
        run(() -> "delete export record '" + id + "' of '" + pipeline + "'", LuaScripts.DELETE_EXPORT,
                new String[] {keys.export(pipeline, id), keys.exportIndex(pipeline)}, new byte[][] {bytes(id)});
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** Runs a script whose reply is an integer; {@code 0} for a nil reply. */
    private long run(Supplier<String> operation, LuaScripts.Script script, String[] keys, byte[][] args) {
        Long reply = connections.call(operation,
                redis -> RedisConnections.<Long>eval(redis, script, ScriptOutputType.INTEGER, keys, args));
        return reply == null ? 0 : reply;
    }

    private String location(String key) {
        return "Redis key '" + key + "' at " + url.masked();
    }

    private static byte[][] args(String... values) {
        byte[][] out = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            out[i] = bytes(values[i]);
        }
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Builds a {@link RedisStateBackend}; every setter rejects a bad value with the value in the
     * message. Not thread-safe.
     */
    public static final class Builder {
        private static final Duration MIN_TIMEOUT = Duration.ofMillis(10);
        private static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

        private final RedisUrl url;
        private String keyPrefix = RedisKeys.DEFAULT_PREFIX;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration commandTimeout = Duration.ofSeconds(5);
        private Clock clock = Clock.systemUTC();

        private Builder(RedisUrl url) {
            this.url = url;
        }

        /**
         * @param prefix prepended to every key and channel (default {@code pipeline:}); 1–100 of
         *               {@code A-Z a-z 0-9 _ . : { } / -}
         * @return this
         * @throws IllegalArgumentException naming the prefix when it is not accepted
         */
        public Builder keyPrefix(String prefix) {
            this.keyPrefix = new RedisKeys(prefix).prefix();
            return this;
        }

        /**
         * @param timeout how long opening a connection (TCP and TLS) may take (default 5 s,
         *                10 ms – 10 min)
         * @return this
         * @throws IllegalArgumentException when out of range
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = within("connectTimeout", timeout);
            return this;
        }

        /**
         * @param timeout how long any command, and the connection handshake, may wait for its
         *                reply (default 5 s, 10 ms – 10 min). Keep it well below a third of the
         *                runner's lease TTL, so that a hanging renewal is retried before the
         *                lease runs out.
         * @return this
         * @throws IllegalArgumentException when out of range
         */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = within("commandTimeout", timeout);
            return this;
        }

        /**
         * @param clock wall time for export record expiry (default {@link Clock#systemUTC()});
         *              lease TTLs are measured by the Redis server
         * @return this
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        private static Duration within(String what, Duration value) {
            Objects.requireNonNull(value, what);
            if (value.compareTo(MIN_TIMEOUT) < 0 || value.compareTo(MAX_TIMEOUT) > 0) {
                throw new IllegalArgumentException(what + " must be between " + MIN_TIMEOUT.toMillis() + " ms and "
                        + MAX_TIMEOUT.toMinutes() + " min, was " + value);
            }
            return value;
        }

        /**
         * Creates the backend; connects nothing yet (the first operation does).
         *
         * @return the backend
         */
        public RedisStateBackend build() {
            return new RedisStateBackend(this);
        }
    }
}
