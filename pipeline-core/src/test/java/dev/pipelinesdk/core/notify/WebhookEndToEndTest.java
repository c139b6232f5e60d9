package dev.pipelinesdk.core.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pipelinesdk.api.Phase;
import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.Trigger;
import dev.pipelinesdk.api.testing.Await;
import dev.pipelinesdk.core.InMemoryStateBackend;
import dev.pipelinesdk.core.Pipeline;
import dev.pipelinesdk.core.PipelineRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real runner whose phase throws, notifying a real HTTP receiver. */
class WebhookEndToEndTest {

    @TempDir
    Path work;

    @Test
    void failingPhase_reachesTheReceiverAsRunFailed() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        try (Receiver receiver = new Receiver();
             WebhookNotifier webhook = WebhookNotifier.builder(receiver.url("/hooks/pipelines")).build();
             PipelineRunner runner = PipelineRunner.builder(new InMemoryStateBackend()).workDirectory(work)
                     .nodeId("e2e-node").listener(webhook)
                     .listener(LoggingNotifier.builder().sink((level, line) -> logged.add(level + " " + line)).build())
                     .build()) {
            Pipeline pipeline = Pipeline.builder("stops")
                    .phase(Phase.of("download", ctx -> ctx.count("files", 2)))
                    .phase(Phase.of("match", ctx -> {
                        throw new IllegalStateException("no stops matched");
                    }))
                    .phase(Phase.of("import", ctx -> {
                    }))
                    .build();

            RunReport report = runner.runOnce(pipeline, Trigger.CLI, RunMode.full());

            assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
            Await.until(() -> webhook.deliveredCount() == 1, "the webhook delivery");
            assertThat(receiver.count()).isEqualTo(1);
            JsonNode body = receiver.requests().get(0).json();
            assertThat(body.get("event").asText()).isEqualTo("run.failed");
            assertThat(body.get("pipeline").asText()).isEqualTo("stops");
            assertThat(body.get("runId").asText()).isEqualTo(report.runId());
            assertThat(body.get("trigger").asText()).isEqualTo("cli");
            assertThat(body.get("owner").asText()).isEqualTo("e2e-node");
            assertThat(body.get("error").get("phase").asText()).isEqualTo("match");
            assertThat(body.get("error").get("type").asText()).isEqualTo("IllegalStateException");
            assertThat(body.get("error").get("message").asText()).isEqualTo("no stops matched");
            assertThat(logged).containsExactly("ERROR " + LoggingNotifier.describe(report));
        }
    }
}
