/**
 * Implementation of the file state backend: atomic owner-only files, the JVM-wide lock-file
 * registry, fence counters and per-instance leases. Not part of the public API; may change
 * without notice.
 */
package dev.pipelinesdk.file.internal;
