package dev.pipelinesdk.examples.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The fingerprints of the two sources a set of files was made from: kept beside the downloaded
 * sources, beside the match results, and with the served data (so that "unchanged since the last
 * successful import" can be decided).
 *
 * @param registry the registry CSV's fingerprint
 * @param osm      the OpenStreetMap JSON's fingerprint
 */
public record SourceManifest(SourceFingerprint registry, SourceFingerprint osm) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Validates. */
    public SourceManifest {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(osm, "osm");
    }

    /**
     * @param other another manifest, may be {@code null}
     * @return whether both sources have the same content in both
     */
    public boolean sameContent(SourceManifest other) {
        return other != null && registry.sameContent(other.registry) && osm.sameContent(other.osm);
    }

    /** @return the manifest as compact JSON */
    public String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.set("registry", registry.toJson());
        node.set("osm", osm.toJson());
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write a source manifest: " + e, e);
        }
    }

    /**
     * @param json  the JSON of {@link #toJson()}
     * @param where where it was read, for messages
     * @return the manifest
     * @throws IllegalArgumentException naming {@code where} when it is not a manifest
     */
    public static SourceManifest fromJson(String json, String where) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(where + ": not a source manifest");
        }
        return new SourceManifest(SourceFingerprint.fromJson(node.get("registry"), where + " registry"),
                SourceFingerprint.fromJson(node.get("osm"), where + " osm"));
    }

    /**
     * @param file a manifest file
     * @return its manifest, or empty when the file does not exist
     * @throws IOException when it cannot be read or is not a manifest
     */
    static Optional<SourceManifest> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(fromJson(Files.readString(file, StandardCharsets.UTF_8), file.toString()));
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    void write(Path file) throws IOException {
        StopsLayout.writeAtomically(file, toJson().getBytes(StandardCharsets.UTF_8));
    }
}
