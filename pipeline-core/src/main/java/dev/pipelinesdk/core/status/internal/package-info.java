/** Implementation of {@link dev.pipelinesdk.core.status.StatusFeed}; not an API, may change in any release. */
package dev.pipelinesdk.core.status.internal;
