package dev.pipelinesdk.core.scheduling.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.Trigger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * What a db-scheduler execution of a pipeline carries, as a small JSON text: the regular instant it
 * is due for, the run id handed out for it, and for triggers who asked and which phases. Read with
 * the tree model only (no data binding).
 *
 * @param due      the scheduled instant this execution stands for (scheduled runs), or when it was asked for
 * @param runId    the run id the run will have
 * @param trigger  who asked
 * @param mode     which phases
 * @param recovers for a run revived after its process died: the run id it replaces, else {@code null}
 * @param revivedAt for such a run: when it was revived (the misfire grace counts from then; the
 *                  schedule's grid still goes through {@code due}), else {@code null}
 */
public record TaskData(Instant due, String runId, Trigger trigger, RunMode mode, String recovers,
                       Instant revivedAt) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Keeps milliseconds only, as the database keeps the execution time to the microsecond. */
    public TaskData {
        due = due.truncatedTo(ChronoUnit.MILLIS);
        revivedAt = revivedAt == null ? null : revivedAt.truncatedTo(ChronoUnit.MILLIS);
    }

    /** @return when this execution should run: the revival instant, else the due instant */
    public Instant executeAt() {
        return revivedAt != null ? revivedAt : due;
    }

    /** @return the JSON text */
    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("due", due.toString());
        o.put("runId", runId);
        o.put("trigger", trigger.wireName());
        o.put("mode", mode.toString());
        if (recovers != null) {
            o.put("recovers", recovers);
        }
        if (revivedAt != null) {
            o.put("revivedAt", revivedAt.toString());
        }
        return o.toString();
    }

    /**
     * @param text the stored text
     * @return the data
     * @throws IllegalArgumentException when the text is not readable task data
     */
    public static TaskData parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("task data is empty");
        }
        try {
            JsonNode o = JSON.readTree(text);
            return new TaskData(Instant.parse(o.path("due").asText()), o.path("runId").asText(),
                    Trigger.fromWire(o.path("trigger").asText()), RunMode.parse(o.path("mode").asText("full")),
                    o.hasNonNull("recovers") ? o.get("recovers").asText() : null,
                    o.hasNonNull("revivedAt") ? Instant.parse(o.get("revivedAt").asText()) : null);
        } catch (JsonProcessingException | DateTimeParseException e) {
            throw new IllegalArgumentException("unreadable task data: " + e.getMessage(), e);
        }
    }
}
