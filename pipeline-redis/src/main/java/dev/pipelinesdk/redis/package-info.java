/**
 * The Redis state backend: {@link dev.pipelinesdk.redis.RedisStateBackend} keeps leases, fencing
 * tokens, status documents (also published on a pub/sub channel, see
 * {@link dev.pipelinesdk.redis.StatusSubscription}) and export records in Redis, shared by every
 * process and machine that reaches the server.
 */
package dev.pipelinesdk.redis;
