package dev.pipelinesdk.embeddedpg;

/**
 * An embedded PostgreSQL server could not be started, reached or stopped. The message names what
 * went wrong and where (data directory, port, log file) and, for a server that did not come up,
 * ends with the tail of the server log.
 */
public class EmbeddedPostgresException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, and where
     */
    public EmbeddedPostgresException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, and where
     * @param cause   the underlying failure
     */
    public EmbeddedPostgresException(String message, Throwable cause) {
        super(message, cause);
    }
}
