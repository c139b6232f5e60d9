package dev.pipelinesdk.api;

import dev.pipelinesdk.api.internal.ExportJson;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A long-running export tracked in the state backend: its progress while it runs and the
 * finished file's metadata once it completes. A backend stops returning a record after its
 * {@code expiresAt}.
 *
 * @param id        the export's id ({@link Names#requireId(String, String)} rules)
 * @param state     running, completed or failed
 * @param progress  progress so far, {@code null} when none reported
 * @param file      the finished file, {@code null} until completed
 * @param createdAt when the export was started
 * @param expiresAt when the record (and its file) may be removed
 * @param error     why it failed, {@code null} otherwise
 */
public record ExportRecord(
        String id,
        State state,
        Progress progress,
        FileInfo file,
        Instant createdAt,
        Instant expiresAt,
        String error) {

    /** The state of an export. */
    public enum State {
        /** Still being written. */
        RUNNING,
        /** The file is complete; {@link ExportRecord#file()} describes it. */
        COMPLETED,
        /** The export failed; {@link ExportRecord#error()} says why. */
        FAILED
    }

    /**
     * A finished export file.
     *
     * @param path      the file's path as the exporting service knows it
     * @param sizeBytes the size in bytes
     * @param sha256    the lower-case hex SHA-256 of the content
     * @param rows      data rows written
     */
    public record FileInfo(String path, long sizeBytes, String sha256, long rows) {
        /** Validates the metadata. */
        public FileInfo {
            Objects.requireNonNull(path, "path");
            if (sizeBytes < 0 || rows < 0) {
                throw new IllegalArgumentException("export file size and rows must be >= 0");
            }
            if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("export sha256 must be 64 lower-case hex digits, was " + sha256);
            }
        }
    }

    /** Validates the record and truncates instants to milliseconds. */
    public ExportRecord {
        Names.requireId(id, "export id");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        createdAt = createdAt.truncatedTo(ChronoUnit.MILLIS);
        expiresAt = expiresAt.truncatedTo(ChronoUnit.MILLIS);
        if (expiresAt.isBefore(createdAt)) {
            throw new IllegalArgumentException("export expiresAt " + expiresAt + " is before createdAt " + createdAt);
        }
        if (state == State.COMPLETED && file == null) {
            throw new IllegalArgumentException("a completed export needs its file metadata");
        }
        if (state == State.FAILED && (error == null || error.isBlank())) {
            throw new IllegalArgumentException("a failed export needs an error message");
        }
    }

    /**
     * @param id        the export's id
     * @param createdAt now
     * @param expiresAt when the record may be removed
     * @return a running export with no progress yet
     */
    public static ExportRecord started(String id, Instant createdAt, Instant expiresAt) {
        return new ExportRecord(id, State.RUNNING, null, null, createdAt, expiresAt, null);
    }

    /** @param progress progress so far @return a copy with that progress */
    public ExportRecord withProgress(Progress progress) {
        return new ExportRecord(id, state, progress, file, createdAt, expiresAt, error);
    }

    /** @param file the finished file @return a completed copy */
    public ExportRecord completed(FileInfo file) {
        return new ExportRecord(id, State.COMPLETED, progress, file, createdAt, expiresAt, null);
    }

    /** @param error why it failed @return a failed copy */
    public ExportRecord failed(String error) {
        return new ExportRecord(id, State.FAILED, progress, null, createdAt, expiresAt, error);
    }

    /**
     * @param now the current time
     * @return {@code true} once {@code now} is at or after {@link #expiresAt()}
     */
    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** @return the canonical JSON form (UTF-8) */
    public byte[] toJson() {
        return ExportJson.write(this);
    }

    /**
     * @param json   UTF-8 JSON
     * @param source where the bytes came from, for the error message
     * @return the record
     * @throws StateCorruptedException naming {@code source} when the bytes are not a readable record
     */
    public static ExportRecord fromJson(byte[] json, String source) {
        return ExportJson.read(json, source);
    }
}
