package dev.pipelinesdk.api;

/**
 * Progress of the current phase.
 *
 * @param done  units done (≥ 0)
 * @param total units in all, or 0 when unknown
 */
public record Progress(long done, long total) {

    /** Validates the values. */
    public Progress {
        if (done < 0) {
            throw new IllegalArgumentException("progress done must be >= 0, was " + done);
        }
        if (total < 0) {
            throw new IllegalArgumentException("progress total must be >= 0 (0 = unknown), was " + total);
        }
    }

    /** @return done / total in [0, 1], or {@code null} when the total is unknown */
    public Double fraction() {
        if (total == 0) {
            return null;
        }
        return Math.min(1.0, (double) done / total);
    }
}
