package dev.pipelinesdk.api;

/**
 * Stored state (a status document, an export record, a fence counter) exists but cannot be read.
 * The message names the location (a file path or a key) and what is wrong with it. For a status
 * document or an export record the next write replaces the unreadable value; nothing else is lost.
 */
public class StateCorruptedException extends StateBackendException {
    private static final long serialVersionUID = 1L;

    private final String location;

    /**
     * @param location where the unreadable state lives (file path, key)
     * @param detail   what is wrong with it
     * @param cause    the parse failure, may be {@code null}
     */
    public StateCorruptedException(String location, String detail, Throwable cause) {
        super("Unreadable state at " + location + ": " + detail, cause);
        this.location = location;
    }

    /** @return where the unreadable state lives (a file path or a key) */
    public String location() {
        return location;
    }
}
