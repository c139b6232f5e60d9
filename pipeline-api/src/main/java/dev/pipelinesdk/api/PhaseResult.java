package dev.pipelinesdk.api;

import java.util.Objects;

/**
 * What a phase tells the runner when it returns normally.
 *
 * @param skipRest   {@code true} to end the run now, as {@code skipped}, without running later phases
 * @param skipReason why the rest is skipped (shown as the status message); {@code null} when not skipping
 */
public record PhaseResult(boolean skipRest, String skipReason) {

    private static final PhaseResult DONE = new PhaseResult(false, null);

    /** Validates the combination. */
    public PhaseResult {
        if (skipRest && (skipReason == null || skipReason.isBlank())) {
            throw new IllegalArgumentException("skipReason must be given when skipping the rest of a run");
        }
        if (!skipRest && skipReason != null) {
            throw new IllegalArgumentException("skipReason is only meaningful when skipRest is true");
        }
    }

    /** @return "phase finished, go on" */
    public static PhaseResult done() {
        return DONE;
    }

    /**
     * @param reason why the rest of the run is not needed, e.g. "sources unchanged since last success"
     * @return "end the run now as skipped"
     */
    public static PhaseResult skipRest(String reason) {
        return new PhaseResult(true, Objects.requireNonNull(reason, "reason"));
    }
}
