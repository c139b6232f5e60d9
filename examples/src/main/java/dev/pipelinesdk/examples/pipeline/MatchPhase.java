package dev.pipelinesdk.examples.pipeline;

import dev.pipelinesdk.api.Phase;
import dev.pipelinesdk.api.PhaseContext;
import dev.pipelinesdk.api.PhaseResult;
import dev.pipelinesdk.examples.stops.Match;
import dev.pipelinesdk.examples.stops.StopFiles;
import dev.pipelinesdk.examples.stops.StopMatcher;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;

/**
 * Phase 2: reads the kept sources (malformed data fails here, naming the source and line) and
 * matches registry stops to OpenStreetMap stops: by reference, by name within a radius, then by
 * nearest node within the radius. Progress per stop.
 */
final class MatchPhase implements Phase {

    static final String NAME = "match";
    private static final int MESSAGE_EVERY = 500;

    private final StopsLayout layout;
    private final double radiusMetres;

    MatchPhase(StopsLayout layout, double radiusMetres) {
        this.layout = layout;
        this.radiusMetres = radiusMetres;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PhaseResult run(PhaseContext ctx) throws Exception {
        ctx.message("Reading the sources");
        StopsData data = StopsData.readSources(layout);
        // an empty export (a header only, a truncated transfer) must never replace the served data
        if (data.registry().isEmpty()) {
            throw new EmptySourceException(data.manifest().registry().source(), "registry stops");
        }
        if (data.osm().isEmpty()) {
            throw new EmptySourceException(data.manifest().osm().source(), "OpenStreetMap stop nodes");
        }
        ctx.count("registry_stops", data.registry().size());
        ctx.count("osm_stops", data.osm().size());
        ctx.throwIfCancelled();

        List<Match> matches = new StopMatcher(radiusMetres).match(data.registry(), data.osm(), (done, total) -> {
            ctx.progress(done, total);
            if (done % MESSAGE_EVERY == 0 || done == total) {
                ctx.message(String.format(Locale.ROOT, "Matched %,d of %,d stops", done, total));
            }
            ctx.throwIfCancelled();
        });
        for (Match m : matches) {
            ctx.count("matched_" + m.method().wireName(), 1);
        }
        // the problems file belongs to the previous matches: drop it before they are replaced
        Files.deleteIfExists(layout.problemsFile());
        StopFiles.writeMatches(layout.matchesFile(), matches);
        data.manifest().write(layout.resultsManifest());
        ctx.put(StopsData.KEY, data.withMatches(matches));
        ctx.message(String.format(Locale.ROOT, "Matched %,d of %,d registry stops", matches.size(), data.registry().size()));
        return PhaseResult.done();
    }
}
