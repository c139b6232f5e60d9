package dev.pipelinesdk.core.notify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.pipelinesdk.api.RunError;
import dev.pipelinesdk.api.RunReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The JSON document a {@link WebhookNotifier} posts, written field by field with a Jackson
 * generator (fixed order, explicit nulls, no data binding).
 */
final class WebhookJson {

    private static final JsonFactory FACTORY = new JsonFactory();

    private WebhookJson() {
    }

    /**
     * @param report the run
     * @param sentAt when this attempt is sent
     * @return the UTF-8 document
     */
    static byte[] body(RunReport report, Instant sentAt) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("event", Outcomes.event(report.outcome()));
            g.writeStringField("pipeline", report.pipeline());
            g.writeStringField("runId", report.runId());
            g.writeStringField("trigger", report.trigger() == null ? null : report.trigger().wireName());
            g.writeStringField("mode", report.mode() == null ? null : report.mode().toString());
            g.writeStringField("outcome", report.outcome().wireName());
            g.writeStringField("startedAt", report.startedAt().toString());
            g.writeStringField("finishedAt", report.finishedAt().toString());
            g.writeNumberField("durationMs", report.duration().toMillis());
            g.writeStringField("owner", report.owner());
            RunError error = report.error();
            if (error == null) {
                g.writeNullField("error");
            } else {
                g.writeObjectFieldStart("error");
                g.writeStringField("phase", error.phase());
                g.writeStringField("type", error.type());
                g.writeStringField("message", error.message());
                g.writeEndObject();
            }
            g.writeStringField("reason", report.skipReason());
            g.writeStringField("sentAt", sentAt.toString());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("Writing JSON to memory failed", e);
        }
        return out.toByteArray();
    }
}
