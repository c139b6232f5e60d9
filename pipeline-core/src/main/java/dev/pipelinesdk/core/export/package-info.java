/**
 * Asynchronous exports for a host of any web framework: an {@link dev.pipelinesdk.core.export.ExportTracker}
 * runs {@link dev.pipelinesdk.core.export.ExportJob}s on its own threads, writes each to a file in
 * one directory, and keeps each export's progress and finished-file metadata as an
 * {@link dev.pipelinesdk.api.ExportRecord} in the state backend, so that any process sharing the
 * backend can report on it.
 *
 * <pre>{@code
 * ExportRecord started = exports.start("stop_problems", (out, progress) -> writeCsv(out, progress));
 * // later, from a status endpoint or another request:
 * Optional<ExportRecord> now = exports.find(started.id());
 * Optional<Path> file = exports.file(started.id());   // present once completed, until expired
 * }</pre>
 */
package dev.pipelinesdk.core.export;
