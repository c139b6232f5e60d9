package dev.pipelinesdk.examples.stops;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes and reads the results as CSV that Postgres {@code COPY ... FROM ... (FORMAT csv, HEADER true)} accepts:
 * UTF-8, comma separated, LF line ends, a header row; a field holding a comma, quote, line break or leading or
 * trailing space is double-quoted with inner quotes doubled; {@code null} is an unquoted empty field (SQL NULL)
 * and an empty string a quoted one ({@code ""}). Distances are written in plain decimal notation with the
 * shortest digits that read back to the same {@code double}.
 *
 * <ul>
 *   <li>matches: {@value #MATCHES_HEADER}; {@code distance_m} empty when unknown (NaN);
 *       {@code method} the {@link Match.Method#wireName()}.</li>
 *   <li>problems: {@value #PROBLEMS_HEADER}; {@code kind} the {@link Problem.Kind#wireName()}.</li>
 * </ul>
 * Writes are atomic: a temporary file in the target's directory is written, flushed to disk and renamed over the
 * target, so a reader sees the old file or the complete new one.
 */
public final class StopFiles {

    /** The header of a matches file. */
    public static final String MATCHES_HEADER = "atlas_id,osm_id,distance_m,method";

    /** The header of a problems file. */
    public static final String PROBLEMS_HEADER = "atlas_id,osm_id,kind,detail";

    private StopFiles() {
    }

    /**
     * @param file    the target file (replaced atomically)
     * @param matches the matches to write, in this order
     * @throws UncheckedIOException when the file cannot be written
     */
    public static void writeMatches(Path file, List<Match> matches) {
        Objects.requireNonNull(matches, "matches");
        writeAtomically(file, out -> {
            out.write(MATCHES_HEADER);
            out.write('\n');
            for (Match m : matches) {
                writeField(out, m.atlasId());
                out.write(',');
                out.write(Long.toString(m.osmId()));
                out.write(',');
                if (!Double.isNaN(m.distanceMetres())) {
                    out.write(BigDecimal.valueOf(m.distanceMetres()).toPlainString());
                }
                out.write(',');
                out.write(m.method().wireName());
                out.write('\n');
            }
        });
    }

    /**
     * @param file    the target file (replaced atomically)
     * @param problems the problems to write, in this order
     * @throws UncheckedIOException when the file cannot be written
     */
    public static void writeProblems(Path file, List<Problem> problems) {
        Objects.requireNonNull(problems, "problems");
        writeAtomically(file, out -> {
            out.write(PROBLEMS_HEADER);
            out.write('\n');
            for (Problem p : problems) {
                writeField(out, p.atlasId());
                out.write(',');
                if (p.osmId() != null) {
                    out.write(Long.toString(p.osmId()));
                }
                out.write(',');
                out.write(p.kind().wireName());
                out.write(',');
                writeField(out, p.detail());
                out.write('\n');
            }
        });
    }

    /**
     * @param file a file written by {@link #writeMatches}
     * @return the matches in file order
     * @throws SourceFormatException for a malformed file
     * @throws UncheckedIOException  when the file cannot be read
     */
    public static List<Match> readMatches(Path file) {
        List<Match> out = new ArrayList<>();
        readRows(file, MATCHES_HEADER, (row, where) -> {
            String atlasId = required(row.get(0), "atlas_id", file, where);
            long osmId = parseLong(required(row.get(1), "osm_id", file, where), "osm_id", file, where);
            double distance = row.get(2) == null ? Double.NaN : parseDouble(row.get(2), file, where);
            Match.Method method;
            try {
                method = Match.Method.ofWireName(required(row.get(3), "method", file, where));
            } catch (IllegalArgumentException e) {
                throw new SourceFormatException(file.getFileName().toString(), where, e.getMessage());
            }
            out.add(new Match(atlasId, osmId, distance, method));
        });
        return out;
    }

    /**
     * @param file a file written by {@link #writeProblems}
     * @return the problems in file order
     * @throws SourceFormatException for a malformed file
     * @throws UncheckedIOException  when the file cannot be read
     */
    public static List<Problem> readProblems(Path file) {
        List<Problem> out = new ArrayList<>();
        readRows(file, PROBLEMS_HEADER, (row, where) -> {
            Long osmId = row.get(1) == null ? null : parseLong(row.get(1), "osm_id", file, where);
            try {
                Problem.Kind kind = Problem.Kind.ofWireName(required(row.get(2), "kind", file, where));
                out.add(new Problem(row.get(0), osmId, kind, row.get(3) == null ? "" : row.get(3)));
            } catch (IllegalArgumentException e) {
                throw new SourceFormatException(file.getFileName().toString(), where, e.getMessage());
            }
        });
        return out;
    }

    @FunctionalInterface
    private interface RowHandler {
        void row(List<String> fields, String where);
    }

    @FunctionalInterface
    private interface Body {
        void write(Writer out) throws IOException;
    }

    private static void readRows(Path file, String header, RowHandler handler) {
        Objects.requireNonNull(file, "file");
        String source = file.getFileName().toString();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            CsvTokenizer csv = new CsvTokenizer(reader, ',', source);
            List<String> head = csv.next();
            if (head == null || !String.join(",", head.stream().map(h -> h == null ? "" : h).toList()).equals(header)) {
                throw new SourceFormatException(source, "line 1", "expected the header " + header);
            }
            int columns = head.size();
            List<String> row;
            while ((row = csv.next()) != null) {
                String where = "line " + csv.recordLine();
                if (row.size() != columns) {
                    throw new SourceFormatException(source, where, "expected " + columns + " fields, found " + row.size());
                }
                handler.row(row, where);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String required(String value, String column, Path file, String where) {
        if (value == null || value.isEmpty()) {
            throw new SourceFormatException(file.getFileName().toString(), where, column + " is empty");
        }
        return value;
    }

    private static long parseLong(String value, String column, Path file, String where) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new SourceFormatException(file.getFileName().toString(), where,
                    column + " \"" + value + "\" is not an integer");
        }
    }

    private static double parseDouble(String value, Path file, String where) {
        try {
            return new BigDecimal(value).doubleValue();
        } catch (NumberFormatException e) {
            throw new SourceFormatException(file.getFileName().toString(), where,
                    "distance_m \"" + value + "\" is not a number");
        }
    }

    private static void writeField(Writer out, String value) throws IOException {
        if (value == null) {
            return;
        }
        boolean quote = value.isEmpty() || !value.strip().equals(value);
        for (int i = 0; i < value.length() && !quote; i++) {
            char c = value.charAt(i);
            quote = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        if (!quote) {
            out.write(value);
            return;
        }
        out.write('"');
        out.write(value.replace("\"", "\"\""));
        out.write('"');
    }

    private static void writeAtomically(Path file, Body body) {
        Objects.requireNonNull(file, "file");
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE);
                    Writer out = new java.io.BufferedWriter(
                            java.nio.channels.Channels.newWriter(channel, StandardCharsets.UTF_8), 1 << 16)) {
                body.write(out);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is hidden and named after the target
                }
            }
        }
    }
}
