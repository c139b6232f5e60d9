package dev.pipelinesdk.examples.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.pipelinesdk.core.config.LogLevel;
import java.util.List;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies {@code PIPELINE_LOG_LEVEL} to logback (the example is the only module that binds a logger). */
final class LogSetup {

    private LogSetup() {
    }

    /** Libraries that stay at WARN unless the level asked for is ERROR (quieter) or TRACE (everything). */
    static final List<String> LIBRARIES = List.of("com.github.kagkarlsson", "io.lettuce", "io.netty", "reactor",
            "org.postgresql");

    static void apply(LogLevel level) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            Level asked = Level.toLevel(level.name(), Level.INFO);
            context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(asked);
            Level libraries = asked == Level.ERROR || asked == Level.TRACE ? asked : Level.WARN;
            for (String name : LIBRARIES) {
                context.getLogger(name).setLevel(libraries);
            }
        }
    }
}
