package dev.pipelinesdk.core.config;

import dev.pipelinesdk.api.PipelineException;
import java.util.Objects;

/**
 * A configuration variable has a value that is not accepted, or a required one is missing. The
 * message is one line naming the variable, its value (passwords masked) and what is accepted, e.g.
 * {@code PIPELINE_SCHEDULE_INTERVAL_HOURS="abc" is not a number; expected hours > 0, e.g. 24 or 0.5}.
 *
 * <p>A {@link PipelineException}, so that catching the SDK's one root catches a start-up that
 * failed on configuration too; it is thrown only while reading configuration, never during a run.
 */
public class ConfigException extends PipelineException {
    private static final long serialVersionUID = 1L;

    /** The variable at fault. */
    private final String variable;

    /**
     * @param variable the name of the variable at fault, e.g. {@code PIPELINE_TIMEZONE}
     * @param message  one line naming the variable, the (masked) value and what is accepted; line
     *                 breaks are replaced by spaces
     */
    public ConfigException(String variable, String message) {
        super(oneLine(Objects.requireNonNull(message, "message")));
        this.variable = Objects.requireNonNull(variable, "variable");
    }

    /** @return the name of the variable at fault, e.g. {@code PIPELINE_TIMEZONE} */
    public String variable() {
        return variable;
    }

    private static String oneLine(String message) {
        return message.replace("\r\n", " ").replace('\r', ' ').replace('\n', ' ');
    }
}
