package dev.pipelinesdk.examples.stops;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads RFC-4180-style records one at a time: a separator character, double-quoted fields that may hold the
 * separator, doubled quotes and line breaks, CRLF or LF line ends. An unquoted empty field is returned as
 * {@code null}, a quoted empty field as {@code ""}. Fully empty lines are skipped. Not thread-safe.
 */
final class CsvTokenizer {

    private final Reader in;
    private final char separator;
    private final String source;
    private long line = 1;
    private long recordLine;
    private int pushedBack = -2;

    CsvTokenizer(Reader in, char separator, String source) {
        this.in = in;
        this.separator = separator;
        this.source = source;
    }

    /** @return the line the last record returned by {@link #next()} started on */
    long recordLine() {
        return recordLine;
    }

    private int read() throws IOException {
        if (pushedBack != -2) {
            int c = pushedBack;
            pushedBack = -2;
            return c;
        }
        return in.read();
    }

    /**
     * @return the next record's fields, or {@code null} at the end of the input
     * @throws SourceFormatException for a quote out of place or an unterminated quoted field
     */
    List<String> next() throws IOException {
        int c = read();
        while (c == '\r' || c == '\n') {
            if (c == '\n') {
                line++;
            }
            c = read();
        }
        if (c == -1) {
            return null;
        }
        recordLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        while (true) {
            if (c == '"') {
                readQuoted(field);
                c = read();
                if (c != separator && c != '\r' && c != '\n' && c != -1) {
                    throw new SourceFormatException(source, "line " + line,
                            "unexpected character '" + (char) c + "' after the closing quote of field "
                                    + (fields.size() + 1));
                }
                fields.add(field.toString());
            } else {
                while (c != separator && c != '\r' && c != '\n' && c != -1) {
                    if (c == '"') {
                        throw new SourceFormatException(source, "line " + line,
                                "unexpected quote inside unquoted field " + (fields.size() + 1));
                    }
                    field.append((char) c);
                    c = read();
                }
                fields.add(field.length() == 0 ? null : field.toString());
            }
            field.setLength(0);
            if (c == separator) {
                c = read();
                continue;
            }
            if (c == '\r') {
                int n = read();
                if (n != '\n') {
                    pushedBack = n;
                } else {
                    line++;
                }
            } else if (c == '\n') {
                line++;
            }
            return fields;
        }
    }

    private void readQuoted(StringBuilder field) throws IOException {
        long startLine = line;
        while (true) {
            int c = read();
            if (c == -1) {
                throw new SourceFormatException(source, "line " + startLine, "unterminated quoted field");
            }
            if (c == '"') {
                int n = read();
                if (n == '"') {
                    field.append('"');
                    continue;
                }
                pushedBack = n;
                return;
            }
            if (c == '\n') {
                line++;
            }
            field.append((char) c);
        }
    }
}
