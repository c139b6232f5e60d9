package dev.pipelinesdk.examples.pipeline;

import dev.pipelinesdk.api.PipelineException;

/** A source holds no records at all: the run fails rather than replace the served data with nothing. */
public final class EmptySourceException extends PipelineException {
    private static final long serialVersionUID = 1L;

    EmptySourceException(String source, String what) {
        super(source + " holds no " + what + "; refusing to replace the served data with nothing");
    }
}
