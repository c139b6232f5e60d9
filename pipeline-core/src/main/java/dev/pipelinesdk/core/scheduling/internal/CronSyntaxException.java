package dev.pipelinesdk.core.scheduling.internal;

/**
 * A cron expression could not be parsed, or can never fire. The message is one line:
 * {@code cron "<expression>": <detail>}; {@link #detail()} is the part after the colon, for callers
 * that name the expression themselves (such as the configuration reader).
 */
public final class CronSyntaxException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** What is wrong, without the expression. */
    private final String detail;

    CronSyntaxException(String expression, String detail) {
        super("cron \"" + expression + "\": " + detail);
        this.detail = detail;
    }

    /** @return what is wrong and what is accepted, without the expression, e.g. {@code hour 25 is out of range 0-23} */
    public String detail() {
        return detail;
    }
}
