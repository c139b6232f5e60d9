package dev.pipelinesdk.examples.pipeline;

import dev.pipelinesdk.api.Phase;
import dev.pipelinesdk.api.PhaseContext;
import dev.pipelinesdk.api.PhaseResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Phase 4: {@code COPY}s the matches and problems into staging tables and swaps them into the
 * served tables in one transaction, guarded by the run's fencing token (see {@link StopsTables}).
 */
final class ImportPhase implements Phase {
    private static final Logger log = LoggerFactory.getLogger(ImportPhase.class);

    static final String NAME = "import";

    private final StopsLayout layout;
    private final DataSource dataSource;
    private final String pipeline;
    private final String fenceDomain;
    private final String settings;
    private final Runnable beforeSwap;
    private final Runnable beforeCommit;

    ImportPhase(StopsLayout layout, DataSource dataSource, String pipeline, String fenceDomain, String settings,
                Runnable beforeSwap, Runnable beforeCommit) {
        this.layout = layout;
        this.dataSource = dataSource;
        this.pipeline = pipeline;
        this.fenceDomain = fenceDomain;
        this.settings = settings;
        this.beforeSwap = beforeSwap;
        this.beforeCommit = beforeCommit;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PhaseResult run(PhaseContext ctx) throws Exception {
        Path matches = require(layout.matchesFile(), "match results", "from:match");
        Path problems = require(layout.problemsFile(), "problem results", "from:problems");
        SourceManifest sources = SourceManifest.read(layout.resultsManifest()).orElseThrow(() -> new IOException(
                "No " + layout.resultsManifest() + "; run from the match phase (mode from:match)"));
        long fence = ctx.fencingToken();

        StopsTables.ensureSchema(dataSource);
        StopsTables.claim(dataSource, pipeline, fence, fenceDomain);
        List<String> dropped = StopsTables.dropLeftovers(dataSource, fence);
        if (!dropped.isEmpty()) {
            log.info("Dropped staging tables left by imports that did not finish: {}", dropped);
        }

        long total = Files.size(matches) + Files.size(problems);
        long matchBytes = Files.size(matches);
        ctx.message("Copying matches");
        long matchRows = StopsTables.copyIn(dataSource, StopsTables.MATCHES, fence, "atlas_id, osm_id, distance_m, method",
                matches, read -> {
                    ctx.progress(read, total);
                    ctx.throwIfCancelled();
                });
        ctx.message("Copying problems");
        long problemRows = StopsTables.copyIn(dataSource, StopsTables.PROBLEMS, fence, "atlas_id, osm_id, kind, detail",
                problems, read -> {
                    ctx.progress(matchBytes + read, total);
                    ctx.throwIfCancelled();
                });
        ctx.message("Indexing");
        StopsTables.index(dataSource, fence);
        ctx.throwIfCancelled();
        beforeSwap.run();

        ctx.message("Swapping the new rows in");
        StopsTables.swap(dataSource, pipeline, fence, fenceDomain, ctx.runId(), matchRows, problemRows, sources, settings,
                () -> {
                    ctx.throwIfCancelled();
                    beforeCommit.run();
                });
        ctx.count("match_rows", matchRows);
        ctx.count("problem_rows", problemRows);
        ctx.progress(total, total);
        ctx.message(String.format(Locale.ROOT, "Imported %,d matches and %,d problems", matchRows, problemRows));
        return PhaseResult.done();
    }

    private static Path require(Path file, String what, String mode) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("No " + what + " in " + file + "; run from the phase that makes them (mode " + mode + ")");
        }
        return file;
    }
}
