package dev.pipelinesdk.examples.stops;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The true counterpart of every registry stop, as written by {@link StopsGenerator} to {@code truth.csv}
 * ({@code atlas_id;osm_id}, a header row, one row per registry stop, {@code osm_id} empty when the stop has no
 * OSM node).
 *
 * @param counterparts sloid → node id, {@code null} value when the stop has no OSM node; in file order, unmodifiable
 */
public record GroundTruth(Map<String, Long> counterparts) {

    /** The header of a truth file. */
    public static final String HEADER = "atlas_id;osm_id";

    /** Copies the map, keeping its order and its {@code null} values. */
    public GroundTruth {
        counterparts = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(counterparts)));
    }

    /** @return how many stops have a counterpart (the number of true pairs) */
    public long pairs() {
        return counterparts.values().stream().filter(Objects::nonNull).count();
    }

    /**
     * @param file a {@code truth.csv}
     * @return its content
     * @throws SourceFormatException for a malformed file
     * @throws UncheckedIOException  when it cannot be read
     */
    public static GroundTruth read(Path file) {
        String source = file.getFileName().toString();
        Map<String, Long> map = new LinkedHashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (!HEADER.equals(header)) {
                throw new SourceFormatException(source, "line 1", "expected the header " + HEADER);
            }
            String line;
            long lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isEmpty()) {
                    continue;
                }
                int sep = line.indexOf(';');
                if (sep <= 0) {
                    throw new SourceFormatException(source, "line " + lineNo, "expected atlas_id;osm_id");
                }
                String id = line.substring(sep + 1);
                Long osmId;
                try {
                    osmId = id.isEmpty() ? null : Long.valueOf(id);
                } catch (NumberFormatException e) {
                    throw new SourceFormatException(source, "line " + lineNo, "osm_id \"" + id + "\" is not an integer");
                }
                if (map.containsKey(line.substring(0, sep))) {
                    throw new SourceFormatException(source, "line " + lineNo, "duplicate atlas_id " + line.substring(0, sep));
                }
                map.put(line.substring(0, sep), osmId);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return new GroundTruth(map);
    }
}
