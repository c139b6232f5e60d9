package dev.pipelinesdk.core.config;

/** The log verbosity asked for by {@code PIPELINE_LOG_LEVEL}, most verbose first. */
public enum LogLevel {
    /** Everything, including per-step detail. */
    TRACE,
    /** Diagnostic detail. */
    DEBUG,
    /** Normal operation: runs started and finished (the default). */
    INFO,
    /** Something unexpected that the SDK recovered from. */
    WARN,
    /** Failures only. */
    ERROR
}
