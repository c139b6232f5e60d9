package dev.pipelinesdk.core.status.internal;

import dev.pipelinesdk.api.PipelineStatus;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * What the feed thread knows about one pipeline: the last document delivered and a few before it
 * (to recognise a late pub/sub message), the backend subscription and the current read-failure
 * streak. Touched by the feed thread only.
 */
public final class PipelineWatch {

    private static final int RECENT = 16;

    private final String pipeline;
    private final ArrayDeque<byte[]> recent = new ArrayDeque<>(RECENT);
    private PipelineStatus latest;
    private byte[] latestJson;
    /** The backend subscription, {@code null} while none is open. */
    public AutoCloseable subscription;
    /** When the current streak of read failures began, {@code null} while reads succeed. */
    public Instant failingSince;
    /** {@code true} while subscribing fails (logged once per streak). */
    public boolean subscribeFailing;
    /** {@link System#nanoTime()} of the last attempt to subscribe. */
    public long lastSubscribeAttempt;

    /** @param pipeline the pipeline's name */
    public PipelineWatch(String pipeline) {
        this.pipeline = pipeline;
    }

    /** @return the pipeline's name */
    public String pipeline() {
        return pipeline;
    }

    /**
     * Decides whether a document is a change to deliver, and remembers it if so.
     *
     * @param status   the document read or pushed
     * @param fromRead {@code true} when it was just read from the backend (the current document);
     *                 {@code false} when pushed, which may arrive after a read saw a newer one
     * @return {@code true} when it is to be delivered
     */
    public boolean accept(PipelineStatus status, boolean fromRead) {
        byte[] json = status.toJson();
        if (latestJson != null && Arrays.equals(json, latestJson)) {
            return false;
        }
        if (!fromRead && latest != null) {
            if (status.updatedAt() != null && latest.updatedAt() != null
                    && status.updatedAt().isBefore(latest.updatedAt())) {
                return false;
            }
            for (byte[] seen : recent) {
                if (Arrays.equals(seen, json)) {
                    return false;
                }
            }
        }
        latest = status;
        latestJson = json;
        if (recent.size() == RECENT) {
            recent.pollFirst();
        }
        recent.addLast(json);
        return true;
    }
}
