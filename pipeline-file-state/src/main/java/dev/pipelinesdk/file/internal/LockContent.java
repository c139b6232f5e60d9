package dev.pipelinesdk.file.internal;

import dev.pipelinesdk.api.Names;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the holder of a pipeline's OS lock writes into the lock file, so other processes (and
 * {@code cat}) can see who holds the lease and until when. Plain {@code key=value} lines. Not part
 * of the public API.
 *
 * @param owner     the lease owner's id
 * @param fence     the lease's fencing token
 * @param expiresAt when the lease expires unless renewed (the holder's wall clock)
 * @param pid       the holding process's id, for humans
 */
public record LockContent(String owner, long fence, Instant expiresAt, long pid) {

    /**
     * Validates the fields.
     *
     * @param owner     the lease owner's id
     * @param fence     the lease's fencing token
     * @param expiresAt when the lease expires unless renewed
     * @param pid       the holding process's id
     */
    public LockContent {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /**
     * @param now the reader's current time
     * @return {@code true} when the lease is still valid at {@code now}
     */
    public boolean isValidAt(Instant now) {
        return now.isBefore(expiresAt);
    }

    /** @return the UTF-8 file content */
    public byte[] encode() {
        return ("owner=" + owner + "\nfence=" + fence + "\nexpiresAt=" + expiresAt + "\npid=" + pid + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param bytes a lock file's content
     * @return the content, empty when the file is empty or not (yet) complete
     */
    public static Optional<LockContent> parse(byte[] bytes) {
        Map<String, String> fields = new HashMap<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                fields.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        try {
            String owner = Names.requireId(fields.get("owner"), "lease owner");
            long fence = Long.parseLong(fields.getOrDefault("fence", "0"));
            Instant expiresAt = Instant.parse(fields.get("expiresAt"));
            long pid = Long.parseLong(fields.getOrDefault("pid", "-1"));
            return Optional.of(new LockContent(owner, fence, expiresAt, pid));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
