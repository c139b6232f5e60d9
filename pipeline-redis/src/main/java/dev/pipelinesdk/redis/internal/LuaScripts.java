package dev.pipelinesdk.redis.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The server-side scripts. Each runs atomically on the server and is called with EVALSHA (one
 * round trip); its SHA-1 is computed here, so no SCRIPT LOAD is needed: a server that does not
 * know the script (first use, after a restart) answers NOSCRIPT and the caller sends it once with
 * EVAL, which caches it.
 *
 * <p>Fences: the acquire script issues {@code max(stored fence + 1, server time in µs)}, so fences
 * keep increasing even when Redis restarts with an empty data set (assuming the server clock does
 * not jump backwards). Values stay below 2^53, where Lua numbers are exact, and are formatted with
 * {@code %d} (never {@code tostring}, which may print {@code 1.7e+15}). Calling TIME before a write
 * needs script effects replication: the default since Redis 5, switched on explicitly for older
 * servers.
 */
public final class LuaScripts {

    /** A script and its SHA-1. */
    public record Script(String name, String text, String sha1) {
        static Script of(String name, String text) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
                return new Script(name, text, HexFormat.of().formatHex(digest));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is not available", e);
            }
        }
    }

    /** Prefix of the error reply a script gives for a value it cannot read. */
    public static final String CORRUPT = "PIPELINE-CORRUPT ";

    /**
     * KEYS: lock, fence. ARGV: owner, ttl ms. Returns the new fence, or 0 when the lease is held.
     * An unreadable fence counter is an error reply starting with {@link #CORRUPT}, before any write.
     */
    public static final Script ACQUIRE = Script.of("acquire", """
            if redis.replicate_commands then redis.replicate_commands() end
            local raw = redis.call('GET', KEYS[2])
            local last = 0
            if raw then
              last = tonumber(raw)
              if not last or last < 0 or last >= 9007199254740991 then
                return redis.error_reply('PIPELINE-CORRUPT the fence counter is not a number below 2^53: '
                  .. string.sub(raw, 1, 40))
              end
            end
            if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
              return 0
            end
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local fence = math.max(last + 1, now)
            redis.call('SET', KEYS[2], string.format('%d', fence))
            return fence
            """);

    /** KEYS: lock, fence. ARGV: owner, token, ttl ms. Returns 1 when extended, 0 when not this owner's lease. */
    public static final Script RENEW = Script.of("renew", """
            if redis.call('GET', KEYS[1]) == ARGV[1] and redis.call('GET', KEYS[2]) == ARGV[2] then
              redis.call('PEXPIRE', KEYS[1], ARGV[3])
              return 1
            end
            return 0
            """);

    /** KEYS: lock, fence. ARGV: owner, token. Returns 1 when removed, 0 when not this owner's lease. */
    public static final Script RELEASE = Script.of("release", """
            if redis.call('GET', KEYS[1]) == ARGV[1] and redis.call('GET', KEYS[2]) == ARGV[2] then
              redis.call('DEL', KEYS[1])
              return 1
            end
            return 0
            """);

    /** KEYS: status. ARGV: json, channel. Stores the document and publishes it; returns the receiver count. */
    public static final Script PUBLISH = Script.of("publish", """
            redis.call('SET', KEYS[1], ARGV[1])
            return redis.call('PUBLISH', ARGV[2], ARGV[1])
            """);

    /**
     * KEYS: export record, export index. ARGV: json, expiresAt epoch ms, id, now epoch ms. Stores the
     * record to expire at expiresAt (SET + PEXPIREAT: SET … PXAT, also on Redis before 6.2), indexes
     * it, drops expired index entries and lets the index itself expire with its last record.
     */
    public static final Script PUT_EXPORT = Script.of("put-export", """
            redis.call('SET', KEYS[1], ARGV[1])
            redis.call('PEXPIREAT', KEYS[1], ARGV[2])
            redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[4])
            local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
            if last[2] then
              redis.call('PEXPIREAT', KEYS[2], string.format('%d', tonumber(last[2])))
            end
            return 1
            """);

    /** KEYS: export record, export index. ARGV: id. Removes both; returns 1. */
    public static final Script DELETE_EXPORT = Script.of("delete-export", """
            redis.call('DEL', KEYS[1])
            redis.call('ZREM', KEYS[2], ARGV[1])
            return 1
            """);

    /** KEYS: export index. ARGV: now epoch ms. Drops expired entries and returns the remaining ids. */
    public static final Script LIST_EXPORTS = Script.of("list-exports", """
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
            return redis.call('ZRANGE', KEYS[1], 0, -1)
            """);

    private LuaScripts() {
    }
}
