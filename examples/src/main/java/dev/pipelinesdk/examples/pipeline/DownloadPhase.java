package dev.pipelinesdk.examples.pipeline;

import dev.pipelinesdk.api.Phase;
import dev.pipelinesdk.api.PhaseContext;
import dev.pipelinesdk.api.PhaseResult;
import dev.pipelinesdk.examples.SourceUrl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Phase 1: fetches the registry CSV and the OpenStreetMap JSON into the kept sources directory,
 * with byte progress. When both have the content the served data was computed from, with the same
 * matching settings, the run ends as {@code skipped} ("sources unchanged"), unless it was forced.
 */
final class DownloadPhase implements Phase {

    static final String NAME = "download";

    private final StopsLayout layout;
    private final SourceUrl registrySource;
    private final SourceUrl osmSource;
    private final DataSource dataSource;
    private final String pipeline;
    private final boolean force;
    private final SourceFetcher fetcher;
    private final String settings;

    DownloadPhase(StopsLayout layout, SourceUrl registrySource, SourceUrl osmSource, DataSource dataSource,
                  String pipeline, boolean force, SourceFetcher fetcher, String settings) {
        this.layout = layout;
        this.registrySource = registrySource;
        this.osmSource = osmSource;
        this.dataSource = dataSource;
        this.pipeline = pipeline;
        this.force = force;
        this.fetcher = fetcher;
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PhaseResult run(PhaseContext ctx) throws Exception {
        Optional<StopsTables.Served> served = StopsTables.served(dataSource, pipeline);
        Optional<SourceManifest> kept = readKept();
        Bytes bytes = new Bytes(ctx);

        ctx.message("Fetching " + registrySource.shortName());
        Path registryTemp = ctx.workDir().resolve("registry.csv");
        SourceFetcher.Fetched registry = fetcher.fetch(registrySource, keptIfPresent(kept.map(SourceManifest::registry),
                layout.registryFile(), registrySource), registryTemp, bytes);
        ctx.message("Fetching " + osmSource.shortName());
        Path osmTemp = ctx.workDir().resolve("osm.json");
        SourceFetcher.Fetched osm = fetcher.fetch(osmSource, keptIfPresent(kept.map(SourceManifest::osm),
                layout.osmFile(), osmSource), osmTemp, bytes);
        ctx.count("bytes_downloaded", bytes.downloaded);
        ctx.count("sources_not_modified", (registry.notModified() ? 1 : 0) + (osm.notModified() ? 1 : 0));

        SourceManifest now = new SourceManifest(registry.fingerprint(), osm.fingerprint());
        if (!registry.notModified()) {
            StopsLayout.replace(registryTemp, layout.registryFile());
        }
        if (!osm.notModified()) {
            StopsLayout.replace(osmTemp, layout.osmFile());
        }
        now.write(layout.sourcesManifest());

        boolean sameSettings = served.isPresent() && settings.equals(served.get().settings());
        if (served.isPresent() && now.sameContent(served.get().sources()) && !sameSettings) {
            ctx.message("Sources unchanged, but the matching settings changed since run " + served.get().runId());
            return PhaseResult.done();
        }
        if (served.isPresent() && now.sameContent(served.get().sources())) {
            if (force) {
                ctx.message("Sources unchanged since run " + served.get().runId() + "; running anyway (forced)");
                return PhaseResult.done();
            }
            return PhaseResult.skipRest("sources unchanged since the last successful import (run "
                    + served.get().runId() + ")");
        }
        ctx.message("Fetched " + registrySource.shortName() + " (" + registry.fingerprint().size() + " bytes) and "
                + osmSource.shortName() + " (" + osm.fingerprint().size() + " bytes)");
        return PhaseResult.done();
    }

    private Optional<SourceManifest> readKept() {
        try {
            return SourceManifest.read(layout.sourcesManifest());
        } catch (IOException e) {
            // an unreadable manifest only costs a full transfer
            return Optional.empty();
        }
    }

    /** The kept fingerprint counts only while its file is there, whole, and came from the same source. */
    private static SourceFingerprint keptIfPresent(Optional<SourceFingerprint> kept, Path file, SourceUrl source)
            throws IOException {
        if (kept.isEmpty() || !Files.isRegularFile(file) || !kept.get().key().equals(source.key())
                || Files.size(file) != kept.get().size()) {
            return null;
        }
        return kept.get();
    }

    /** Byte progress over both sources. */
    private static final class Bytes implements SourceFetcher.Transfer {
        private final PhaseContext ctx;
        private long expected;
        private long done;
        private long downloaded;

        Bytes(PhaseContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void expect(long total) {
            expected += total;
            ctx.progress(done, Math.max(expected, done));
        }

        @Override
        public void kept(long bytes) {
            done += bytes;
            ctx.progress(done, Math.max(expected, done));
        }

        @Override
        public void copied(long bytes) {
            done += bytes;
            downloaded += bytes;
            ctx.progress(done, Math.max(expected, done));
            ctx.throwIfCancelled();
        }
    }
}
