package dev.pipelinesdk.examples.cli;

/** The exit codes of {@code pipeline-example.jar}. */
public final class ExitCodes {
    /** The run succeeded or was skipped; the command did what it was asked. */
    public static final int OK = 0;
    /** The run failed, timed out, was cancelled or lost its lease. */
    public static final int RUN_FAILED = 1;
    /** Bad usage or configuration; one line on stderr names the problem. */
    public static final int USAGE = 2;
    /** The database or the state backend cannot be reached (sysexits EX_UNAVAILABLE). */
    public static final int UNAVAILABLE = 69;
    /** Another run of the pipeline holds the lease; its run id is printed (sysexits EX_TEMPFAIL). */
    public static final int ALREADY_RUNNING = 75;

    private ExitCodes() {
    }
}
