/**
 * Live pipeline status for a host of any web framework: a {@link dev.pipelinesdk.core.status.StatusFeed}
 * watches the status documents of some pipelines in a {@link dev.pipelinesdk.api.StateBackend}
 * (pushed by backends that implement {@link dev.pipelinesdk.api.StatusSubscriptions}, polled
 * otherwise) and hands every change to its subscribers, e.g. an HTTP status endpoint and a
 * server-sent-events stream.
 *
 * <pre>{@code
 * try (StatusFeed feed = StatusFeed.builder(backend).pipelines("stops").build()) {
 *     feed.start();
 *     Subscription sse = feed.subscribe(status -> events.send(status.toJson()));
 *     ...
 *     PipelineStatus now = feed.latest("stops").orElseThrow();
 * }
 * }</pre>
 */
package dev.pipelinesdk.core.status;
