package dev.pipelinesdk.core;

import dev.pipelinesdk.api.AbstractStateBackend;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A state backend in this JVM's memory: leases exclude threads of one process only. For tests,
 * for {@code runOnce()} in a host's own test suite, and for single-process tools. Thread-safe.
 * Lease expiry uses the monotonic clock; export expiry uses the wall clock given.
 */
public final class InMemoryStateBackend extends AbstractStateBackend {

    private record Held(String owner, long token, long expiresAtNanos) {
    }

    private final Map<String, Held> leases = new HashMap<>();
    private final Map<String, Long> fences = new HashMap<>();
    private final Map<String, byte[]> statuses = new HashMap<>();
    private final Map<String, Map<String, byte[]>> exports = new HashMap<>();

    /** A backend using the system clock. */
    public InMemoryStateBackend() {
        this(Clock.systemUTC());
    }

    /** @param clock wall clock for export-record expiry */
    public InMemoryStateBackend(Clock clock) {
        super(clock);
    }

    private Held live(String pipeline) {
        Held held = leases.get(pipeline);
        if (held != null && System.nanoTime() - held.expiresAtNanos() > 0) {
            leases.remove(pipeline);
            return null;
        }
        return held;
    }

    private static long expiry(Duration ttl) {
        return System.nanoTime() + ttl.toNanos();
    }

    @Override
    protected synchronized OptionalLong acquireLease(String pipeline, String owner, Duration ttl) {
        if (live(pipeline) != null) {
            return OptionalLong.empty();
        }
        long token = fences.merge(pipeline, 1L, Long::sum);
        leases.put(pipeline, new Held(owner, token, expiry(ttl)));
        return OptionalLong.of(token);
    }

    @Override
    protected synchronized boolean renewLease(String pipeline, String owner, long token, Duration ttl) {
        Held held = live(pipeline);
        if (held == null || !held.owner().equals(owner) || held.token() != token) {
            return false;
        }
        leases.put(pipeline, new Held(owner, token, expiry(ttl)));
        return true;
    }

    @Override
    protected synchronized void releaseLease(String pipeline, String owner, long token) {
        Held held = leases.get(pipeline);
        if (held != null && held.owner().equals(owner) && held.token() == token) {
            leases.remove(pipeline);
        }
    }

    @Override
    protected synchronized Optional<String> readHolder(String pipeline) {
        return Optional.ofNullable(live(pipeline)).map(Held::owner);
    }

    @Override
    protected synchronized void writeStatus(String pipeline, byte[] json) {
        statuses.put(pipeline, json.clone());
    }

    @Override
    protected synchronized byte[] readStatusBytes(String pipeline) {
        byte[] bytes = statuses.get(pipeline);
        return bytes == null ? null : bytes.clone();
    }

    @Override
    protected String statusLocation(String pipeline) {
        return "memory:" + pipeline + "/status";
    }

    @Override
    protected synchronized void writeExport(String pipeline, String id, byte[] json, Instant expiresAt) {
        exports.computeIfAbsent(pipeline, k -> new HashMap<>()).put(id, json.clone());
    }

    @Override
    protected synchronized byte[] readExportBytes(String pipeline, String id) {
        byte[] bytes = exports.getOrDefault(pipeline, Map.of()).get(id);
        return bytes == null ? null : bytes.clone();
    }

    @Override
    protected String exportLocation(String pipeline, String id) {
        return "memory:" + pipeline + "/exports/" + id;
    }

    @Override
    protected synchronized List<String> listExportIds(String pipeline) {
        return new ArrayList<>(exports.getOrDefault(pipeline, Map.of()).keySet());
    }

    @Override
    protected synchronized void deleteExportBytes(String pipeline, String id) {
        Map<String, byte[]> map = exports.get(pipeline);
        if (map != null) {
            map.remove(id);
        }
    }

    /**
     * Replaces a pipeline's stored status bytes as they are, unvalidated: for tests that need an
     * unreadable document.
     *
     * @param pipeline the pipeline's name
     * @param bytes    the raw bytes
     */
    public synchronized void writeRawStatus(String pipeline, byte[] bytes) {
        statuses.put(pipeline, bytes.clone());
    }

    @Override
    public String description() {
        return "memory";
    }

    @Override
    public synchronized void close() {
        leases.clear();
    }
}
