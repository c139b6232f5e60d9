package dev.pipelinesdk.redis.internal;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The key layout: {@code {prefix}{name}:status}, {@code :lock}, {@code :fence},
 * {@code :export:{id}}, the export index {@code :exports} and the pub/sub channel {@code :events}.
 * Immutable in what it answers; thread-safe (the lease keys are memoized, see {@link #lease}).
 */
public final class RedisKeys {

    /** The default key prefix. */
    public static final String DEFAULT_PREFIX = "pipeline:";

    /** Key prefixes: no glob characters (the prefix is part of a PSUBSCRIBE pattern), no spaces. */
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.:{}/-]{1,100}");
    private static final Pattern PIPELINE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final String EVENTS = ":events";
    /** How many pipelines' lease keys are memoized; beyond that they are built on each call. */
    private static final int MAX_MEMOIZED = 1024;

    private final String prefix;
    private final ConcurrentHashMap<String, String[]> leaseKeys = new ConcurrentHashMap<>();

    /**
     * @param prefix the key prefix
     * @throws IllegalArgumentException naming the prefix when it is not 1–100 of
     *     {@code A-Z a-z 0-9 _ . : { } / -}
     */
    public RedisKeys(String prefix) {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("Invalid Redis key prefix "
                    + (prefix == null ? "null" : "'" + prefix + "'")
                    + ": expected 1-100 characters of A-Z, a-z, 0-9, '_', '.', ':', '{', '}', '/' and '-'");
        }
        this.prefix = prefix;
    }

    /** @return the prefix */
    public String prefix() {
        return prefix;
    }

    /**
     * @param pipeline a pipeline name
     * @return the status document's key
     */
    public String status(String pipeline) {
        return prefix + pipeline + ":status";
    }

    /**
     * @param pipeline a pipeline name
     * @return the lease key (value: owner id, with a PX TTL)
     */
    public String lock(String pipeline) {
        return prefix + pipeline + ":lock";
    }

    /**
     * The KEYS of the lease scripts, needed on every acquire, renew and release: built once per
     * pipeline (a backend serves a handful; the first 1024 names are memoized).
     *
     * @param pipeline a pipeline name
     * @return a new array {@code {lock(pipeline), fence(pipeline)}}
     */
    public String[] lease(String pipeline) {
        String[] memo = leaseKeys.get(pipeline);
        if (memo == null) {
            memo = new String[] {lock(pipeline), fence(pipeline)};
            if (leaseKeys.size() < MAX_MEMOIZED) {
                leaseKeys.putIfAbsent(pipeline, memo);
            }
        }
        return memo.clone();
    }

    /**
     * @param pipeline a pipeline name
     * @return the fencing counter's key
     */
    public String fence(String pipeline) {
        return prefix + pipeline + ":fence";
    }

    /**
     * @param pipeline a pipeline name
     * @param id an export id
     * @return the export record's key
     */
    public String export(String pipeline, String id) {
        return prefix + pipeline + ":export:" + id;
    }

    /**
     * @param pipeline a pipeline name
     * @return the sorted set of export ids (score: expiry in epoch ms)
     */
    public String exportIndex(String pipeline) {
        return prefix + pipeline + ":exports";
    }

    /**
     * @param pipeline a pipeline name
     * @return the pub/sub channel carrying each published status
     */
    public String events(String pipeline) {
        return prefix + pipeline + EVENTS;
    }

    /** @return the PSUBSCRIBE pattern matching every pipeline's events channel */
    public String eventsPattern() {
        return prefix + "*" + EVENTS;
    }

    /**
     * @param channel a channel name
     * @return the pipeline whose events channel it is, empty when it is none
     */
    public Optional<String> pipelineOfChannel(String channel) {
        if (channel == null || !channel.startsWith(prefix) || !channel.endsWith(EVENTS)
                || channel.length() <= prefix.length() + EVENTS.length()) {
            return Optional.empty();
        }
        String name = channel.substring(prefix.length(), channel.length() - EVENTS.length());
        return PIPELINE.matcher(name).matches() ? Optional.of(name) : Optional.empty();
    }
}
