package dev.pipelinesdk.api;

/**
 * A state backend could not be reached or could not complete an operation (I/O error, connection
 * refused, timeout). The message names the backend's location; it never contains a password.
 */
public class StateBackendException extends PipelineException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed and where */
    public StateBackendException(String message) {
        super(message);
    }

    /**
     * @param message what failed and where
     * @param cause   the underlying failure
     */
    public StateBackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
