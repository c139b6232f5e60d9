package dev.pipelinesdk.examples.http;

/** An answer other than success: its status code and a one-line message for the JSON error body. */
final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient java.util.Map<String, String> headers;

    HttpError(int status, String message) {
        this(status, message, java.util.Map.of());
    }

    HttpError(int status, String message, java.util.Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.headers = headers;
    }

    int status() {
        return status;
    }

    java.util.Map<String, String> headers() {
        return headers;
    }
}
