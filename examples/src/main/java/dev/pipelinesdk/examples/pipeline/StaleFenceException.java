package dev.pipelinesdk.examples.pipeline;

import dev.pipelinesdk.api.PipelineException;

/**
 * An import was refused because a run with a larger fencing token has claimed the served tables
 * since: this run lost its lease (it is stale) and must not overwrite newer data.
 */
public final class StaleFenceException extends PipelineException {
    private static final long serialVersionUID = 1L;

    /**
     * @param fence   this run's fencing token
     * @param claimed the largest token that has claimed the tables
     */
    StaleFenceException(long fence, long claimed) {
        super("Import refused: this run's fencing token " + fence + " is older than token " + claimed
                + ", which has claimed the served tables; the served data stays as it is. (If the state backend's"
                + " fence counter was reset, clear the claim once, with no run active: UPDATE stops_import_state"
                + " SET claimed_fence = 0)");
    }
}
