/** Implementation of {@link dev.pipelinesdk.core.export.ExportTracker}; not an API, may change in any release. */
package dev.pipelinesdk.core.export.internal;
