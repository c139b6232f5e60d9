package dev.pipelinesdk.benchmarks.runner;

/** The runner's per-run log lines, switched off for benchmarks that start thousands of runs. */
final class RunLogs {

    /** The logger that writes two INFO lines per run ("started", "finished"). */
    static final String RUN_LOGGER = "dev.pipelinesdk.core.internal.RunExecution";

    private RunLogs() {
    }

    /**
     * Sets slf4j-simple's level for the run logger to WARN. slf4j-simple reads a logger's level from
     * the system properties when the logger is made (when the runner's classes load), so this must
     * run before the first run of the JVM; later it changes nothing.
     */
    static void quiet() {
        System.setProperty("org.slf4j.simpleLogger.log." + RUN_LOGGER, "warn");
    }
}
