package dev.pipelinesdk.examples.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.pipelinesdk.core.config.LogLevel;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies {@code PIPELINE_LOG_LEVEL} to logback (the example is the only module that binds a logger). */
final class LogSetup {

    private LogSetup() {
    }

    static void apply(LogLevel level) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level.name(), Level.INFO));
        }
    }
}
