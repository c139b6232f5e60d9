package dev.pipelinesdk.examples.stops;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * Reads Overpass JSON ({@code {"version":0.6, ..., "elements":[{"type":"node","id":1,"lat":..,"lon":..,
 * "tags":{...}}, ...]}}) with Jackson's streaming parser, one element at a time, never as a tree, so a million
 * nodes need little more memory than the resulting {@link OsmStop}s. Of the tags only {@code name},
 * {@code uic_ref} and {@code ref:IFOPT} are kept; elements other than nodes (ways, relations, areas) are skipped.
 *
 * <p>Malformed data throws {@link SourceFormatException} naming the source, the line and column, the element's
 * position in the array and the node id when known, e.g.
 * {@code osm.json line 3, column 45 (element 12, node 4711): lat 123.0 is out of range [-90, 90]}: invalid JSON,
 * a top level that is not an object or has no {@code elements} array, a node without id, lat or lon, a value of
 * the wrong type, an out-of-range coordinate, a node id that appears twice.
 */
public final class OsmJson {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    /** Jackson's "[Source: ...; line: 1, column: 13]" inside a message, reduced to "line: 1, column: 13". */
    private static final java.util.regex.Pattern JACKSON_SOURCE =
            java.util.regex.Pattern.compile("\\[Source: [^\\]]*?; (line: \\d+, column: \\d+)\\]");

    private OsmJson() {
    }

    /**
     * @param file       the Overpass JSON file
     * @param sourceName the name used in error messages (a file name or a masked URL)
     * @return the nodes in file order
     * @throws SourceFormatException for malformed data
     * @throws UncheckedIOException  when the file cannot be read
     */
    public static List<OsmStop> read(Path file, String sourceName) {
        return read(file, sourceName, bytes -> { });
    }

    /**
     * @param file       the Overpass JSON file
     * @param sourceName the name used in error messages (a file name or a masked URL)
     * @param bytesRead  called with the running total of bytes read, many times during reading
     * @return the nodes in file order
     * @throws SourceFormatException for malformed data
     * @throws UncheckedIOException  when the file cannot be read
     */
    public static List<OsmStop> read(Path file, String sourceName, LongConsumer bytesRead) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(bytesRead, "bytesRead");
        try (InputStream in = new CountingInputStream(Files.newInputStream(file), bytesRead);
                JsonParser p = FACTORY.createParser(in)) {
            List<OsmStop> nodes = new Reader(p, sourceName).readDocument();
            rejectDuplicateIds(nodes, sourceName);
            return nodes;
        } catch (JsonProcessingException e) {
            throw new SourceFormatException(sourceName, at(e.getLocation()), "invalid JSON: " + JACKSON_SOURCE.matcher(String.valueOf(e.getOriginalMessage())).replaceAll("$1"), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + sourceName + ": " + e.getMessage(), e);
        }
    }

    private static String at(JsonLocation loc) {
        return loc == null ? null : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }

    private static void rejectDuplicateIds(List<OsmStop> nodes, String source) {
        long[] ids = new long[nodes.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = nodes.get(i).id();
        }
        Arrays.sort(ids);
        for (int i = 1; i < ids.length; i++) {
            if (ids[i] == ids[i - 1]) {
                long id = ids[i];
                int first = -1;
                int second = -1;
                for (int k = 0; k < nodes.size() && second < 0; k++) {
                    if (nodes.get(k).id() == id) {
                        if (first < 0) {
                            first = k;
                        } else {
                            second = k;
                        }
                    }
                }
                throw new SourceFormatException(source, "node " + id,
                        "duplicate node id (nodes number " + (first + 1) + " and " + (second + 1) + " in the file)");
            }
        }
    }

    /** The parsing state of one document. */
    private static final class Reader {
        private final JsonParser p;
        private final String source;
        private final List<OsmStop> nodes = new ArrayList<>();
        private int element;
        private Long id;

        Reader(JsonParser p, String source) {
            this.p = p;
            this.source = source;
        }

        List<OsmStop> readDocument() throws IOException {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw fail(p.currentTokenLocation(), false, "expected a JSON object at the top level");
            }
            boolean sawElements = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("elements".equals(field)) {
                    if (value != JsonToken.START_ARRAY) {
                        throw fail(p.currentTokenLocation(), false, "\"elements\" is not an array");
                    }
                    sawElements = true;
                    readElements();
                } else {
                    p.skipChildren();
                }
            }
            if (!sawElements) {
                throw new SourceFormatException(source, null, "no \"elements\" array (not an Overpass JSON result?)");
            }
            if (p.nextToken() != null) {
                throw fail(p.currentTokenLocation(), false, "unexpected content after the top-level object");
            }
            return nodes;
        }

        private void readElements() throws IOException {
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                element++;
                id = null;
                if (t != JsonToken.START_OBJECT) {
                    throw fail(p.currentTokenLocation(), true, "an element is not an object");
                }
                readElement();
            }
        }

        private void readElement() throws IOException {
            JsonLocation start = p.currentTokenLocation();
            String type = null;
            double lat = Double.NaN;
            double lon = Double.NaN;
            JsonLocation latAt = null;
            JsonLocation lonAt = null;
            String name = null;
            String uicRef = null;
            String ifopt = null;
            JsonLocation idAt = null;
            boolean badId = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "type" -> type = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "id" -> {
                        idAt = p.currentTokenLocation();
                        if (v == JsonToken.VALUE_NUMBER_INT) {
                            id = p.getLongValue();
                        } else {
                            badId = true;
                            p.skipChildren();
                        }
                    }
                    case "lat" -> {
                        latAt = p.currentTokenLocation();
                        lat = number(v, "lat");
                    }
                    case "lon" -> {
                        lonAt = p.currentTokenLocation();
                        lon = number(v, "lon");
                    }
                    case "tags" -> {
                        if (v != JsonToken.START_OBJECT) {
                            throw fail(p.currentTokenLocation(), true, "tags is not an object");
                        }
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String key = p.currentName();
                            JsonToken tv = p.nextToken();
                            if (tv.isStructStart()) {
                                p.skipChildren();
                                continue;
                            }
                            String text = tv == JsonToken.VALUE_NULL ? null : p.getText();
                            switch (key) {
                                case "name" -> name = text;
                                case "uic_ref" -> uicRef = text;
                                case "ref:IFOPT" -> ifopt = text;
                                default -> { }
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (!"node".equals(type)) {
                return;
            }
            if (badId) {
                throw fail(idAt, true, "node id is not an integer");
            }
            if (id == null) {
                throw fail(start, true, "node without id");
            }
            if (latAt == null || lonAt == null) {
                throw fail(start, true, "node without " + (latAt == null ? "lat" : "lon"));
            }
            if (lat < -90 || lat > 90) {
                throw fail(latAt, true, "lat " + lat + " is out of range [-90, 90]");
            }
            if (lon < -180 || lon > 180) {
                throw fail(lonAt, true, "lon " + lon + " is out of range [-180, 180]");
            }
            nodes.add(new OsmStop(id, lat, lon, blankToNull(name), blankToNull(uicRef), blankToNull(ifopt)));
        }

        private double number(JsonToken v, String what) throws IOException {
            if (v != JsonToken.VALUE_NUMBER_FLOAT && v != JsonToken.VALUE_NUMBER_INT) {
                throw fail(p.currentTokenLocation(), true, what + " is not a number");
            }
            return p.getDoubleValue();
        }

        private SourceFormatException fail(JsonLocation loc, boolean inElement, String problem) {
            String where = at(loc);
            if (inElement) {
                where += " (element " + element + (id == null ? "" : ", node " + id) + ")";
            }
            return new SourceFormatException(source, where, problem);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
