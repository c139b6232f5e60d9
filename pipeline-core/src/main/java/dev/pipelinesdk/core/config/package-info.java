/**
 * Configuration from the environment: {@link dev.pipelinesdk.core.config.PipelineConfig} reads the
 * variables of the design's table ({@code PIPELINE_SCHEDULE_INTERVAL_HOURS}, {@code PIPELINE_SCHEDULE_CRON},
 * {@code PIPELINE_TIMEZONE}, {@code PIPELINE_LOG_LEVEL}, {@code STATE_BACKEND},
 * {@code PIPELINE_STATE_DIR}, {@code REDIS_URL}, {@code DATABASE_URL}) into typed values, and a bad
 * value stops start-up with a {@link dev.pipelinesdk.core.config.ConfigException} of one line.
 */
package dev.pipelinesdk.core.config;
