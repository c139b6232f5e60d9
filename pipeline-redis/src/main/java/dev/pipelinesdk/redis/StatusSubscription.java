package dev.pipelinesdk.redis;

/**
 * A live subscription to published status documents, returned by
 * {@link RedisStateBackend#subscribe} and {@link RedisStateBackend#subscribeAll}. Survives Redis
 * reconnects (the subscription is renewed automatically; documents published while the connection
 * was down are not replayed, so read the current status with {@code readStatus} after a gap).
 * Thread-safe.
 */
public interface StatusSubscription extends AutoCloseable {

    /** @return the channel or channel pattern this subscription listens on */
    String channel();

    /** @return {@code true} once {@link #close()} was called (or the backend was closed) */
    boolean isClosed();

    /**
     * Stops deliveries: once this returns, the listener is not called again (a call already in
     * progress on the delivery thread may still finish). Unsubscribes from Redis when this was the
     * channel's last subscription; never throws. Idempotent.
     */
    @Override
    void close();
}
