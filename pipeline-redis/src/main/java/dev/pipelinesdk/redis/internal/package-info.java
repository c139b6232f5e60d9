/**
 * Implementation of the Redis state backend: URL parsing and masking, key layout, server-side
 * scripts, connections and error translation, pub/sub dispatch. Not part of the public API; may
 * change without notice.
 */
package dev.pipelinesdk.redis.internal;
