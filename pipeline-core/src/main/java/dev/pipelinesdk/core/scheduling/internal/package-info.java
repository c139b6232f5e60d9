/**
 * Implementation of {@link dev.pipelinesdk.core.scheduling.Schedule}: the cron parser and
 * evaluator, and the resolution of wall-clock times to instants across daylight saving time
 * changes. Not part of the public API; may change without notice.
 */
package dev.pipelinesdk.core.scheduling.internal;
