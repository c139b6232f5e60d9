package dev.pipelinesdk.examples.stops;

/**
 * An input file (or downloaded document) is malformed. The message names the source, the location and what was
 * wrong, e.g. {@code registry.csv line 17: wgs84North "abc" is not a number}.
 */
public class SourceFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final String location;

    /**
     * @param source   the source name (a file name or a masked URL)
     * @param location where in the source, e.g. {@code line 17}; {@code null} when it concerns the whole source
     * @param problem  what was wrong
     */
    public SourceFormatException(String source, String location, String problem) {
        this(source, location, problem, null);
    }

    /**
     * @param source   the source name (a file name or a masked URL)
     * @param location where in the source; {@code null} when it concerns the whole source
     * @param problem  what was wrong
     * @param cause    the underlying parser error, may be {@code null}
     */
    public SourceFormatException(String source, String location, String problem, Throwable cause) {
        super(source + (location == null ? "" : " " + location) + ": " + problem, cause);
        this.source = source;
        this.location = location;
    }

    /** @return the source name as given to the reader */
    public String source() {
        return source;
    }

    /** @return where in the source, e.g. {@code line 3, column 45 (element 12, node 4711)}; {@code null} if none */
    public String location() {
        return location;
    }
}
