package dev.pipelinesdk.examples.pipeline;

import dev.pipelinesdk.api.ContextKey;
import dev.pipelinesdk.examples.stops.Match;
import dev.pipelinesdk.examples.stops.OsmJson;
import dev.pipelinesdk.examples.stops.OsmStop;
import dev.pipelinesdk.examples.stops.RegistryCsv;
import dev.pipelinesdk.examples.stops.RegistryStop;
import dev.pipelinesdk.examples.stops.StopFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the phases hand each other within a run (through the context) and, for a run that starts
 * mid-pipeline, read back from the kept files.
 *
 * @param manifest the sources' fingerprints
 * @param registry the registry stops
 * @param osm      the OpenStreetMap stops
 * @param matches  the matches, or {@code null} before the match phase
 */
record StopsData(SourceManifest manifest, List<RegistryStop> registry, List<OsmStop> osm, List<Match> matches) {

    static final ContextKey<StopsData> KEY = ContextKey.of("stops.data", StopsData.class);

    StopsData withMatches(List<Match> m) {
        return new StopsData(manifest, registry, osm, List.copyOf(m));
    }

    /** Reads the kept sources; their manifest says where they came from (named in format errors). */
    static StopsData readSources(StopsLayout layout) throws IOException {
        SourceManifest manifest = SourceManifest.read(layout.sourcesManifest()).orElseThrow(() -> new IOException(
                "No downloaded sources in " + layout.sourcesManifest().getParent()
                        + "; run the download phase first (mode full or from:download)"));
        List<RegistryStop> registry = RegistryCsv.read(layout.registryFile(), manifest.registry().source());
        List<OsmStop> osm = OsmJson.read(layout.osmFile(), manifest.osm().source());
        return new StopsData(manifest, registry, osm, null);
    }

    /** Reads the kept sources and matches, refusing matches computed from other sources. */
    static StopsData readMatched(StopsLayout layout) throws IOException {
        StopsData data = readSources(layout);
        requireSameSources(layout, data.manifest());
        Path matches = layout.matchesFile();
        if (!Files.isRegularFile(matches)) {
            throw new IOException("No match results in " + matches + "; run the match phase first (mode from:match)");
        }
        return data.withMatches(StopFiles.readMatches(matches));
    }

    static SourceManifest requireSameSources(StopsLayout layout, SourceManifest sources) throws IOException {
        SourceManifest results = SourceManifest.read(layout.resultsManifest()).orElseThrow(() -> new IOException(
                "No match results in " + layout.resultsDir() + "; run the match phase first (mode from:match)"));
        if (!results.sameContent(sources)) {
            throw new IOException("The results in " + layout.resultsDir() + " were computed from other sources than"
                    + " those downloaded now; run from the match phase (mode from:match)");
        }
        return results;
    }
}
