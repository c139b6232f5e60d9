package dev.pipelinesdk.api;

/**
 * Thrown by {@link PhaseContext#throwIfCancelled()} when the run has been asked to stop (timeout,
 * lost lease, shutdown, explicit cancel). A phase normally lets it propagate; the runner then
 * records the run's real reason for stopping, not this exception.
 */
public class RunCancelledException extends PipelineException {
    private static final long serialVersionUID = 1L;

    /** @param reason why the run is being cancelled */
    public RunCancelledException(String reason) {
        super(reason);
    }
}
