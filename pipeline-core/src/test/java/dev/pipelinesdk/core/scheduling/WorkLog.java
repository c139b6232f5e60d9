package dev.pipelinesdk.core.scheduling;

import dev.pipelinesdk.api.Phase;
import dev.pipelinesdk.core.Pipeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A test pipeline whose one phase writes "start"/"end" lines (run id, node, instant) to a log file
 * shared by processes, so that tests can check that work intervals never overlap.
 */
final class WorkLog {
    record Interval(String runId, String node, Instant start, Instant end) {
    }

    private WorkLog() {
    }

    /**
     * @param name   the pipeline's name
     * @param log    the shared log file
     * @param node   who runs it
     * @param workMs how long the phase works
     * @return the pipeline
     */
    static Pipeline pipeline(String name, Path log, String node, long workMs) {
        return Pipeline.builder(name).phase(Phase.of("work", ctx -> {
            append(log, "start " + ctx.runId() + " " + node + " " + Instant.now());
            long end = System.nanoTime() + workMs * 1_000_000;
            while (System.nanoTime() < end && !ctx.isCancelled()) {
                Thread.sleep(10);
            }
            append(log, "end " + ctx.runId() + " " + node + " " + Instant.now());
        })).build();
    }

    static void append(Path log, String line) {
        try {
            Files.writeString(log, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the runs that started, with their end when they ended (null otherwise) */
    static List<Interval> read(Path log) throws IOException {
        List<Interval> out = new ArrayList<>();
        if (!Files.exists(log)) {
            return out;
        }
        List<String> lines = Files.readAllLines(log);
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f[0].equals("start")) {
                Instant end = null;
                for (String other : lines) {
                    String[] g = other.split(" ");
                    if (g[0].equals("end") && g[1].equals(f[1])) {
                        end = Instant.parse(g[3]);
                    }
                }
                out.add(new Interval(f[1], f[2], Instant.parse(f[3]), end));
            }
        }
        return out;
    }

    /** @return pairs of intervals that overlap, as text (empty when none) */
    static List<String> overlaps(List<Interval> intervals) {
        List<String> found = new ArrayList<>();
        for (int i = 0; i < intervals.size(); i++) {
            for (int j = i + 1; j < intervals.size(); j++) {
                Interval a = intervals.get(i);
                Interval b = intervals.get(j);
                Instant aEnd = a.end() == null ? Instant.MAX : a.end();
                Instant bEnd = b.end() == null ? Instant.MAX : b.end();
                if (a.start().isBefore(bEnd) && b.start().isBefore(aEnd)) {
                    found.add(a + " overlaps " + b);
                }
            }
        }
        return found;
    }
}
