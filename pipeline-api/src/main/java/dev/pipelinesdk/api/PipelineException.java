package dev.pipelinesdk.api;

/**
 * Root of every unchecked exception the Pipeline SDK throws. Catch this to handle any SDK failure;
 * catch a subclass to handle one kind.
 */
public class PipelineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong and where, in one line */
    public PipelineException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong and where, in one line
     * @param cause   the underlying failure
     */
    public PipelineException(String message, Throwable cause) {
        super(message, cause);
    }
}
