package dev.pipelinesdk.examples.stops;

/** Receives the progress of {@link StopMatcher#match}. It may throw an unchecked exception to abort matching. */
@FunctionalInterface
public interface MatchProgress {

    /** A progress sink that ignores everything. */
    MatchProgress NONE = (done, total) -> { };

    /**
     * @param done  registry stops processed so far (monotone, at most {@code total})
     * @param total registry stops to process
     */
    void progress(long done, long total);
}
