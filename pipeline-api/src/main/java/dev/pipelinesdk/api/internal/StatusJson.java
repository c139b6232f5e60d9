package dev.pipelinesdk.api.internal;

import static dev.pipelinesdk.api.internal.JsonSupport.instant;
import static dev.pipelinesdk.api.internal.JsonSupport.number;
import static dev.pipelinesdk.api.internal.JsonSupport.str;

import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.Progress;
import dev.pipelinesdk.api.RunError;
import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.RunState;
import dev.pipelinesdk.api.StateCorruptedException;
import dev.pipelinesdk.api.Trigger;

/** The JSON form of {@link PipelineStatus}, field order as in DESIGN.md. Not part of the public API. */
public final class StatusJson {

    private StatusJson() {
    }

    public static byte[] write(PipelineStatus s) {
        return JsonSupport.write(g -> {
            g.writeStringField("pipeline", s.pipeline());
            str(g, "runId", s.runId());
            g.writeStringField("state", s.state().wireName());
            str(g, "trigger", s.trigger() == null ? null : s.trigger().wireName());
            str(g, "mode", s.mode() == null ? null : s.mode().toString());
            str(g, "phase", s.phase());
            number(g, "phaseIndex", s.phaseIndex());
            number(g, "phaseCount", s.phaseCount());
            str(g, "message", s.message());
            Progress p = s.progress();
            if (p == null) {
                g.writeNullField("progress");
            } else {
                g.writeObjectFieldStart("progress");
                g.writeNumberField("done", p.done());
                g.writeNumberField("total", p.total());
                Double fraction = p.fraction();
                if (fraction == null) {
                    g.writeNullField("fraction");
                } else {
                    // four decimals are plenty for a progress bar and keep the bytes stable
                    g.writeNumberField("fraction", Math.round(fraction * 10_000) / 10_000.0);
                }
                g.writeEndObject();
            }
            instant(g, "startedAt", s.startedAt());
            instant(g, "phaseStartedAt", s.phaseStartedAt());
            instant(g, "updatedAt", s.updatedAt());
            instant(g, "finishedAt", s.finishedAt());
            number(g, "elapsedMs", s.elapsedMs());
            number(g, "etaMs", s.etaMs());
            instant(g, "nextRunAt", s.nextRunAt());
            instant(g, "lastSuccessAt", s.lastSuccessAt());
            RunError e = s.error();
            if (e == null) {
                g.writeNullField("error");
            } else {
                g.writeObjectFieldStart("error");
                str(g, "phase", e.phase());
                g.writeStringField("type", e.type());
                g.writeStringField("message", e.message());
                g.writeEndObject();
            }
            g.writeNumberField("version", s.version());
        });
    }

    public static PipelineStatus read(byte[] json, String source) {
        JsonSupport.Reader r = new JsonSupport.Reader(
                JsonSupport.readObject(json, source, "status document"), source, "");
        try {
            PipelineStatus.Builder b = PipelineStatus.builder(r.requiredString("pipeline"))
                    .runId(r.string("runId"))
                    .state(r.parsed("state", RunState::fromWire, "a run state"))
                    .trigger(r.parsed("trigger", Trigger::fromWire, "a trigger"))
                    .mode(r.parsed("mode", RunMode::parse, "a run mode"))
                    .phase(r.string("phase"))
                    .phaseIndex(r.intValue("phaseIndex"))
                    .phaseCount(r.intValue("phaseCount"))
                    .message(r.string("message"))
                    .startedAt(r.instant("startedAt"))
                    .phaseStartedAt(r.instant("phaseStartedAt"))
                    .updatedAt(r.instant("updatedAt"))
                    .finishedAt(r.instant("finishedAt"))
                    .elapsedMs(r.longValue("elapsedMs"))
                    .etaMs(r.longValue("etaMs"))
                    .nextRunAt(r.instant("nextRunAt"))
                    .lastSuccessAt(r.instant("lastSuccessAt"));
            if (r.string("state") == null) {
                throw new StateCorruptedException(source, "field 'state' is missing", null);
            }
            JsonSupport.Reader p = r.object("progress");
            if (p != null) {
                Long done = p.longValue("done");
                Long total = p.longValue("total");
                b.progress(new Progress(done == null ? 0 : done, total == null ? 0 : total));
            }
            JsonSupport.Reader e = r.object("error");
            if (e != null) {
                b.error(new RunError(e.string("phase"), e.requiredString("type"), e.string("message")));
            }
            Integer version = r.intValue("version");
            if (version == null) {
                throw new StateCorruptedException(source, "field 'version' is missing", null);
            }
            return b.version(version).build();
        } catch (IllegalArgumentException e) {
            throw new StateCorruptedException(source, e.getMessage(), e);
        }
    }
}
