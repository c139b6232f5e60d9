package dev.pipelinesdk.core.status;

/**
 * A listener's registration with a {@link StatusFeed}, returned by {@link StatusFeed#subscribe}.
 * Thread-safe.
 */
public interface Subscription extends AutoCloseable {

    /**
     * @return documents this listener never received because it fell more than the feed's
     *     subscriber buffer behind (the oldest waiting ones are dropped, the newest kept)
     */
    long droppedCount();

    /** @return {@code true} once closed (by {@link #close()} or by closing the feed) */
    boolean isClosed();

    /**
     * Stops deliveries: documents still waiting are dropped, and once a delivery in progress
     * returns the listener is not called again. Never throws; idempotent.
     */
    @Override
    void close();
}
