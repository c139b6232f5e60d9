package dev.pipelinesdk.examples.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * What is known of one fetched source: its content hash (what "unchanged" is decided on) and the
 * validators that let the next fetch skip the transfer: size and modification time for a file,
 * {@code ETag} and {@code Last-Modified} for HTTP.
 *
 * @param source       the source as shown: a file path, or the URL with password and query values masked
 * @param key          the source's identity ({@link dev.pipelinesdk.examples.SourceUrl#key()})
 * @param sha256       the content's SHA-256, hex
 * @param size         the content's length in bytes
 * @param modified     a file's modification time; {@code null} for HTTP
 * @param etag         the HTTP {@code ETag}; {@code null} when absent
 * @param lastModified the HTTP {@code Last-Modified} as sent; {@code null} when absent
 */
public record SourceFingerprint(String source, String key, String sha256, long size, Instant modified, String etag,
                                String lastModified) {

    /** Validates. */
    public SourceFingerprint {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(sha256, "sha256");
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0: " + size);
        }
    }

    /**
     * @param other another fingerprint, may be {@code null}
     * @return whether both describe the same content
     */
    public boolean sameContent(SourceFingerprint other) {
        return other != null && other.sha256.equals(sha256) && other.size == size;
    }

    ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("source", source);
        node.put("key", key);
        node.put("sha256", sha256);
        node.put("size", size);
        if (modified != null) {
            node.put("modified", modified.toString());
        }
        if (etag != null) {
            node.put("etag", etag);
        }
        if (lastModified != null) {
            node.put("lastModified", lastModified);
        }
        return node;
    }

    static SourceFingerprint fromJson(JsonNode node, String where) {
        if (node == null || !node.isObject() || !node.path("sha256").isTextual() || !node.path("size").canConvertToLong()) {
            throw new IllegalArgumentException(where + ": not a source fingerprint: " + node);
        }
        JsonNode modified = node.get("modified");
        return new SourceFingerprint(node.path("source").asText(""), node.path("key").asText(""), node.get("sha256").asText(), node.get("size").asLong(),
                modified == null || modified.isNull() ? null : Instant.parse(modified.asText()),
                text(node, "etag"), text(node, "lastModified"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
