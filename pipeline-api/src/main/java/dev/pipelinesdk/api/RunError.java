package dev.pipelinesdk.api;

import java.util.Objects;

/**
 * Why a run did not succeed: the {@code error} of the status document and of the run report.
 * The stack trace is not kept here; it goes to the log.
 *
 * @param phase   the phase that failed, or {@code null} when the failure was outside any phase
 * @param type    the kind of failure: the exception's simple class name, or {@code Timeout},
 *                {@code Cancelled}, {@code LeaseLost}, {@code Abandoned}
 * @param message a one-line description
 */
public record RunError(String phase, String type, String message) {

    /** Validates the error. */
    public RunError {
        Objects.requireNonNull(type, "type");
        message = message == null ? "" : message;
    }

    /**
     * @param phase the failed phase, may be {@code null}
     * @param error the failure
     * @return an error naming the exception's class and message
     */
    public static RunError of(String phase, Throwable error) {
        String message = error.getMessage() != null ? error.getMessage() : error.toString();
        return new RunError(phase, error.getClass().getSimpleName(), message);
    }
}
