package dev.pipelinesdk.api.internal;

import static dev.pipelinesdk.api.internal.JsonSupport.instant;
import static dev.pipelinesdk.api.internal.JsonSupport.str;

import dev.pipelinesdk.api.ExportRecord;
import dev.pipelinesdk.api.Progress;
import dev.pipelinesdk.api.StateCorruptedException;
import java.util.Locale;

/** The JSON form of {@link ExportRecord}. Not part of the public API. */
public final class ExportJson {

    private ExportJson() {
    }

    public static byte[] write(ExportRecord r) {
        return JsonSupport.write(g -> {
            g.writeStringField("id", r.id());
            g.writeStringField("state", r.state().name().toLowerCase(Locale.ROOT));
            if (r.progress() == null) {
                g.writeNullField("progress");
            } else {
                g.writeObjectFieldStart("progress");
                g.writeNumberField("done", r.progress().done());
                g.writeNumberField("total", r.progress().total());
                g.writeEndObject();
            }
            if (r.file() == null) {
                g.writeNullField("file");
            } else {
                g.writeObjectFieldStart("file");
                g.writeStringField("path", r.file().path());
                g.writeNumberField("sizeBytes", r.file().sizeBytes());
                g.writeStringField("sha256", r.file().sha256());
                g.writeNumberField("rows", r.file().rows());
                g.writeEndObject();
            }
            instant(g, "createdAt", r.createdAt());
            instant(g, "expiresAt", r.expiresAt());
            str(g, "error", r.error());
            g.writeNumberField("version", 1);
        });
    }

    public static ExportRecord read(byte[] json, String source) {
        JsonSupport.Reader r = new JsonSupport.Reader(JsonSupport.readObject(json, source, "export record"), source, "");
        try {
            ExportRecord.State state = r.parsed("state",
                    s -> ExportRecord.State.valueOf(s.toUpperCase(Locale.ROOT)), "running, completed or failed");
            if (state == null) {
                throw new StateCorruptedException(source, "field 'state' is missing", null);
            }
            Progress progress = null;
            JsonSupport.Reader p = r.object("progress");
            if (p != null) {
                progress = new Progress(orZero(p.longValue("done")), orZero(p.longValue("total")));
            }
            ExportRecord.FileInfo file = null;
            JsonSupport.Reader f = r.object("file");
            if (f != null) {
                file = new ExportRecord.FileInfo(f.requiredString("path"), orZero(f.longValue("sizeBytes")),
                        f.requiredString("sha256"), orZero(f.longValue("rows")));
            }
            return new ExportRecord(r.requiredString("id"), state, progress, file,
                    r.instant("createdAt"), r.instant("expiresAt"), r.string("error"));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new StateCorruptedException(source, "export record is incomplete: " + e.getMessage(), e);
        }
    }

    private static long orZero(Long v) {
        return v == null ? 0 : v;
    }
}
