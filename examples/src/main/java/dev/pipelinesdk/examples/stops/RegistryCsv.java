package dev.pipelinesdk.examples.stops;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

/**
 * Reads an ATLAS-style service-point export: UTF-8 (a byte-order mark is skipped), semicolon separated, a header
 * row, RFC-4180-style double-quoted fields, CRLF or LF. Columns are found by header name; the required ones are
 * {@value #REQUIRED_COLUMNS}, any others are ignored and the order is free. {@code number},
 * {@code designationOfficial} and the coordinates may be empty (they become {@code null} / {@link Double#NaN});
 * {@code sloid} may not. The file is read as a stream; only the resulting stops are held in memory.
 *
 * <p>Malformed data throws {@link SourceFormatException} naming the source and the line, e.g.
 * {@code registry.csv line 17: wgs84North "abc" is not a number}: a missing required column, a row with another
 * number of fields than the header, an unparsable or out-of-range coordinate, an empty or duplicate sloid, a quote
 * out of place, bytes that are not UTF-8.
 */
public final class RegistryCsv {

    /** The required columns, in the order of the usual export. */
    public static final String REQUIRED_COLUMNS = "sloid;number;designationOfficial;wgs84North;wgs84East";

    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private RegistryCsv() {
    }

    /**
     * @param file       the CSV file
     * @param sourceName the name used in error messages (a file name or a masked URL)
     * @return the stops in file order
     * @throws SourceFormatException for malformed data
     * @throws UncheckedIOException  when the file cannot be read
     */
    public static List<RegistryStop> read(Path file, String sourceName) {
        return read(file, sourceName, bytes -> { });
    }

    /**
     * @param file       the CSV file
     * @param sourceName the name used in error messages (a file name or a masked URL)
     * @param bytesRead  called with the running total of bytes read, many times during reading
     * @return the stops in file order
     * @throws SourceFormatException for malformed data
     * @throws UncheckedIOException  when the file cannot be read
     */
    public static List<RegistryStop> read(Path file, String sourceName, LongConsumer bytesRead) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(bytesRead, "bytesRead");
        try (InputStream in = new CountingInputStream(Files.newInputStream(file), bytesRead)) {
            return read(in, sourceName);
        } catch (CharacterCodingException e) {
            throw new SourceFormatException(sourceName, null, "not valid UTF-8", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + sourceName + ": " + e.getMessage(), e);
        }
    }

    private static List<RegistryStop> read(InputStream in, String source) throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, decoder), 1 << 16);
        reader.mark(1);
        if (reader.read() != '\uFEFF') {
            reader.reset();
        }
        CsvTokenizer csv = new CsvTokenizer(reader, ';', source);
        List<String> header = csv.next();
        if (header == null) {
            throw new SourceFormatException(source, null, "empty file, expected a header row with " + REQUIRED_COLUMNS);
        }
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i) == null ? "" : header.get(i).strip();
            if (!name.isEmpty() && columns.putIfAbsent(name, i) != null) {
                throw new SourceFormatException(source, "line " + csv.recordLine(), "column " + name + " appears twice");
            }
        }
        for (String required : REQUIRED_COLUMNS.split(";")) {
            if (!columns.containsKey(required)) {
                throw new SourceFormatException(source, "line " + csv.recordLine(),
                        "missing column " + required + " (required: " + REQUIRED_COLUMNS + ")");
            }
        }
        int cSloid = columns.get("sloid");
        int cNumber = columns.get("number");
        int cName = columns.get("designationOfficial");
        int cLat = columns.get("wgs84North");
        int cLon = columns.get("wgs84East");
        List<RegistryStop> stops = new ArrayList<>();
        Map<String, Long> firstLine = new HashMap<>();
        List<String> row;
        while ((row = csv.next()) != null) {
            long line = csv.recordLine();
            String where = "line " + line;
            if (row.size() != header.size()) {
                throw new SourceFormatException(source, where,
                        "expected " + header.size() + " fields, found " + row.size());
            }
            String sloid = trimToNull(row.get(cSloid));
            if (sloid == null) {
                throw new SourceFormatException(source, where, "sloid is empty");
            }
            Long previous = firstLine.putIfAbsent(sloid, line);
            if (previous != null) {
                throw new SourceFormatException(source, where,
                        "duplicate sloid \"" + sloid + "\" (first on line " + previous + ")");
            }
            double lat = coordinate(row.get(cLat), "wgs84North", 90, source, where);
            double lon = coordinate(row.get(cLon), "wgs84East", 180, source, where);
            stops.add(new RegistryStop(sloid, trimToNull(row.get(cNumber)), trimToNull(row.get(cName)), lat, lon, line));
        }
        return stops;
    }

    private static double coordinate(String raw, String column, double limit, String source, String where) {
        String value = trimToNull(raw);
        if (value == null) {
            return Double.NaN;
        }
        if (!DECIMAL.matcher(value).matches()) {
            throw new SourceFormatException(source, where, column + " \"" + value + "\" is not a number");
        }
        double d = Double.parseDouble(value);
        if (d < -limit || d > limit) {
            throw new SourceFormatException(source, where,
                    column + " " + value + " is out of range [" + (int) -limit + ", " + (int) limit + "]");
        }
        return d;
    }

    private static String trimToNull(String s) {
        if (s == null) {
            return null;
        }
        String t = s.strip();
        return t.isEmpty() ? null : t;
    }
}
