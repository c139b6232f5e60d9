package dev.pipelinesdk.examples.pipeline;

import dev.pipelinesdk.api.PipelineException;
import java.util.Locale;

/** The share of stops with problems is above the configured limit: the run stops before its import. */
public final class ProblemGateException extends PipelineException {
    private static final long serialVersionUID = 1L;

    ProblemGateException(double ratio, double limit, int problems) {
        super(String.format(Locale.ROOT, "Problem ratio %.3f is above STOPS_MAX_PROBLEM_RATIO %.3f (%,d problems);"
                + " nothing imported, the served data stays as it is", ratio, limit, problems));
    }
}
