/**
 * Failure notifications through the {@link dev.pipelinesdk.api.PipelineListener} SPI: a
 * {@link dev.pipelinesdk.core.notify.LoggingNotifier} that writes one log line per notable run,
 * and a {@link dev.pipelinesdk.core.notify.WebhookNotifier} that POSTs a JSON document to a URL
 * from its own thread, so that a slow receiver never delays a run.
 *
 * <pre>{@code
 * WebhookNotifier webhook = WebhookNotifier.builder("https://hooks.example.com/pipelines")
 *         .header("Authorization", "Bearer " + token).build();
 * PipelineRunner runner = PipelineRunner.builder(backend)
 *         .listener(LoggingNotifier.ofDefaults()).listener(webhook).build();
 * }</pre>
 */
package dev.pipelinesdk.core.notify;
