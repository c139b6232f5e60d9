package dev.pipelinesdk.examples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pipelinesdk.api.PhaseReport;
import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.RunError;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.core.internal.RunExecution;
import dev.pipelinesdk.core.scheduling.JobInfo;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** What the commands print: a few readable lines, or JSON with {@code --json}. */
final class Output {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z", Locale.ROOT);

    private final ZoneId zone;

    Output(ZoneId zone) {
        this.zone = zone;
    }

    String time(Instant instant) {
        return instant == null ? "—" : LOCAL.format(instant.atZone(zone));
    }

    static String duration(long millis) {
        return RunExecution.human(Duration.ofMillis(Math.max(0, millis)));
    }

    // ---- status

    String status(PipelineStatus s) {
        StringBuilder out = new StringBuilder();
        out.append(s.pipeline()).append(": ").append(s.state().wireName());
        if (s.phase() != null) {
            out.append(", phase ").append(s.phase());
            if (s.phaseIndex() != null && s.phaseCount() != null) {
                out.append(" (").append(s.phaseIndex()).append(" of ").append(s.phaseCount()).append(")");
            }
        }
        if (s.progress() != null && s.progress().total() > 0) {
            out.append(String.format(Locale.ROOT, ", %.0f%%", 100.0 * s.progress().done() / s.progress().total()));
        }
        if (s.message() != null) {
            out.append(" — ").append(s.message());
        }
        out.append('\n');
        if (s.runId() != null) {
            out.append("  run ").append(s.runId());
            if (s.trigger() != null) {
                out.append(", trigger ").append(s.trigger().wireName());
            }
            if (s.mode() != null) {
                out.append(", mode ").append(s.mode());
            }
            out.append('\n');
            out.append("  started ").append(time(s.startedAt()));
            if (s.finishedAt() != null) {
                out.append(", finished ").append(time(s.finishedAt()));
            }
            if (s.elapsedMs() != null) {
                out.append(", elapsed ").append(duration(s.elapsedMs()));
            }
            if (s.etaMs() != null && !s.state().isFinished()) {
                out.append(", ETA ").append(duration(s.etaMs()));
            }
            out.append('\n');
        }
        out.append("  next run ").append(time(s.nextRunAt())).append(", last success ").append(time(s.lastSuccessAt()))
                .append('\n');
        if (s.error() != null) {
            out.append("  error in ").append(s.error().phase()).append(": ").append(s.error().type()).append(": ")
                    .append(s.error().message()).append('\n');
        }
        return out.toString();
    }

    // ---- jobs

    String jobs(List<JobInfo> jobs) {
        if (jobs.isEmpty()) {
            return "No pipelines registered; start the scheduler (`scheduler`) to register them\n";
        }
        StringBuilder out = new StringBuilder();
        for (JobInfo j : jobs) {
            out.append(j.pipeline()).append(": ").append(j.schedule()).append('\n');
            out.append("  next run ").append(time(j.nextRunAt()));
            out.append(", last outcome ").append(j.lastOutcome() == null ? "—" : j.lastOutcome().wireName());
            out.append(", last success ").append(time(j.lastSuccessAt())).append('\n');
            if (j.running()) {
                out.append("  running: run ").append(j.runningRunId()).append(" since ").append(time(j.runningSince()))
                        .append('\n');
            }
            if (j.triggerQueued()) {
                out.append("  a triggered run is queued\n");
            }
        }
        return out.toString();
    }

    static String jobsJson(List<JobInfo> jobs) {
        ArrayNode array = JSON.createArrayNode();
        for (JobInfo j : jobs) {
            ObjectNode o = array.addObject();
            o.put("pipeline", j.pipeline());
            o.put("schedule", j.schedule());
            o.put("zone", j.zone() == null ? null : j.zone().getId());
            putTime(o, "nextRunAt", j.nextRunAt());
            o.put("lastOutcome", j.lastOutcome() == null ? null : j.lastOutcome().wireName());
            putTime(o, "lastFinishedAt", j.lastFinishedAt());
            putTime(o, "lastSuccessAt", j.lastSuccessAt());
            o.put("runningRunId", j.runningRunId());
            putTime(o, "runningSince", j.runningSince());
            o.put("triggerQueued", j.triggerQueued());
        }
        return write(array);
    }

    // ---- history

    String history(List<RunReport> runs) {
        if (runs.isEmpty()) {
            return "No runs recorded yet\n";
        }
        StringBuilder out = new StringBuilder();
        for (RunReport r : runs) {
            out.append(String.format(Locale.ROOT, "%s  %-15s %-9s %-10s %8s  %s", time(r.startedAt()), r.outcome().wireName(),
                    r.trigger().wireName(), r.mode(), RunExecution.human(r.duration()), r.runId()));
            if (r.error() != null) {
                out.append("  ").append(r.error().phase()).append(": ").append(r.error().message());
            } else if (r.skipReason() != null) {
                out.append("  ").append(r.skipReason());
            }
            out.append('\n');
        }
        return out.toString();
    }

    static String historyJson(List<RunReport> runs) {
        ArrayNode array = JSON.createArrayNode();
        for (RunReport r : runs) {
            ObjectNode o = array.addObject();
            o.put("runId", r.runId());
            o.put("pipeline", r.pipeline());
            o.put("trigger", r.trigger().wireName());
            o.put("mode", r.mode().toString());
            o.put("outcome", r.outcome().wireName());
            putTime(o, "startedAt", r.startedAt());
            putTime(o, "finishedAt", r.finishedAt());
            o.put("durationMs", r.duration().toMillis());
            o.put("fencingToken", r.fencingToken());
            o.put("owner", r.owner());
            putError(o, r.error());
            o.put("skipReason", r.skipReason());
            o.put("holderRunId", r.holderRunId());
            ArrayNode phases = o.putArray("phases");
            for (PhaseReport p : r.phases()) {
                ObjectNode po = phases.addObject();
                po.put("name", p.name());
                po.put("outcome", p.outcome().name().toLowerCase(Locale.ROOT));
                putTime(po, "startedAt", p.startedAt());
                putTime(po, "finishedAt", p.finishedAt());
                po.put("durationMs", p.duration().toMillis());
                po.put("attempts", p.attempts());
                ObjectNode counters = po.putObject("counters");
                new TreeMap<>(p.counters()).forEach(counters::put);
                putError(po, p.error());
            }
        }
        return write(array);
    }

    // ---- a run's one-line result

    static String runSummary(RunReport r) {
        StringBuilder out = new StringBuilder();
        out.append(r.pipeline()).append(" run ").append(r.runId()).append(' ').append(r.outcome().wireName())
                .append(" in ").append(RunExecution.human(r.duration()));
        if (r.error() != null) {
            out.append(" — phase ").append(r.error().phase()).append(": ").append(r.error().message());
        } else if (r.skipReason() != null) {
            out.append(" — ").append(r.skipReason());
        }
        Map<String, Long> counters = new TreeMap<>(r.counters());
        if (!counters.isEmpty() && r.error() == null) {
            out.append(" ").append(counters);
        }
        return out.toString();
    }

    private static void putTime(ObjectNode o, String field, Instant t) {
        if (t == null) {
            o.putNull(field);
        } else {
            o.put(field, t.toString());
        }
    }

    private static void putError(ObjectNode o, RunError e) {
        if (e == null) {
            o.putNull("error");
            return;
        }
        ObjectNode eo = o.putObject("error");
        eo.put("phase", e.phase());
        eo.put("type", e.type());
        eo.put("message", e.message());
    }

    private static String write(Object node) {
        try {
            return JSON.writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write JSON: " + e, e);
        }
    }
}
