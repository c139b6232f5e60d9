package dev.pipelinesdk.examples.pipeline;

import dev.pipelinesdk.core.Pipeline;
import dev.pipelinesdk.core.RetryPolicy;
import dev.pipelinesdk.examples.ExampleConfig;
import dev.pipelinesdk.examples.SourceUrl;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The {@code stops} pipeline: {@code download → match → problems → import}.
 *
 * <ol>
 *   <li>{@code download}: the registry CSV and the OpenStreetMap JSON, streamed with byte progress;
 *       ends the run as {@code skipped} when both are unchanged since the last successful import
 *       (unless {@link Builder#force(boolean) forced}); retried on network and server errors;</li>
 *   <li>{@code match}: reference, then name within a radius, then nearest within the radius (JTS index);</li>
 *   <li>{@code problems}: data-quality problems, and a gate on their ratio;</li>
 *   <li>{@code import}: {@code COPY} into staging tables, swapped into {@code stop_matches} and
 *       {@code stop_problems} in one transaction guarded by the run's fencing token.</li>
 * </ol>
 * Files kept between phases live under {@link StopsLayout}.
 */
public final class StopsPipeline {

    /** The pipeline's name. */
    public static final String NAME = "stops";

    /** Raised whenever the matching or problem rules change, so that unchanged sources are computed again. */
    static final int MATCHER_VERSION = 1;

    /** The phases, in order. */
    public static final List<String> PHASES = List.of(DownloadPhase.NAME, MatchPhase.NAME, ProblemsPhase.NAME,
            ImportPhase.NAME);

    private StopsPipeline() {
    }

    /**
     * @param dataSource the database of the served tables
     * @param dataDir    the service's data directory, e.g. {@code ./pipeline-data}
     * @return a builder with the defaults of {@link ExampleConfig}
     */
    public static Builder builder(DataSource dataSource, Path dataDir) {
        return new Builder(dataSource, dataDir);
    }

    /** Settings of the stops pipeline. */
    public static final class Builder {
        private final DataSource dataSource;
        private final StopsLayout layout;
        private SourceUrl registrySource;
        private SourceUrl osmSource;
        private double radiusMetres = ExampleConfig.DEFAULT_RADIUS_M;
        private double maxProblemRatio = ExampleConfig.DEFAULT_MAX_PROBLEM_RATIO;
        private boolean force;
        private HttpClient http;
        private Runnable beforeSwap = () -> { };
        private Runnable beforeCommit = () -> { };
        private String fenceDomain = "default";

        private Builder(DataSource dataSource, Path dataDir) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.layout = new StopsLayout(Objects.requireNonNull(dataDir, "dataDir"));
        }

        /**
         * @param registry the registry CSV
         * @param osm      the OpenStreetMap JSON
         * @return this builder
         */
        public Builder sources(SourceUrl registry, SourceUrl osm) {
            this.registrySource = Objects.requireNonNull(registry, "registry");
            this.osmSource = Objects.requireNonNull(osm, "osm");
            return this;
        }

        /**
         * Uses generated sample sources in {@code <dataDir>/sources}, generating them when missing.
         *
         * @return this builder
         * @throws IOException when they cannot be generated
         */
        public Builder sampleSources() throws IOException {
            SampleSources sample = SampleSources.ensure(layout.sampleDir());
            return sources(sample.registry(), sample.osm());
        }

        /**
         * @param metres the matching radius, &gt; 0
         * @return this builder
         */
        public Builder radiusMetres(double metres) {
            if (!(metres > 0) || !Double.isFinite(metres)) {
                throw new IllegalArgumentException("radiusMetres must be > 0: " + metres);
            }
            this.radiusMetres = metres;
            return this;
        }

        /**
         * @param ratio the problem ratio above which a run fails before its import, 0 to 1
         * @return this builder
         */
        public Builder maxProblemRatio(double ratio) {
            if (!(ratio >= 0 && ratio <= 1)) {
                throw new IllegalArgumentException("maxProblemRatio must be from 0 to 1: " + ratio);
            }
            this.maxProblemRatio = ratio;
            return this;
        }

        /**
         * @param force {@code true} to run the later phases even when the sources are unchanged
         * @return this builder
         */
        public Builder force(boolean force) {
            this.force = force;
            return this;
        }

        /**
         * @param client the HTTP client for {@code http:}/{@code https:} sources
         * @return this builder
         */
        public Builder httpClient(HttpClient client) {
            this.http = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * A hook for tests and fault drills: runs in the import phase after the {@code COPY} into the
         * staging tables, just before the swap (a kill here must leave the served data intact).
         *
         * @param hook what to run; it may block or throw
         * @return this builder
         */
        public Builder beforeSwap(Runnable hook) {
            this.beforeSwap = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /**
         * A hook for tests and fault drills: runs inside the swap transaction, after the renames and
         * just before the commit (a kill here must leave the served data intact too).
         *
         * @param hook what to run; it may block or throw
         * @return this builder
         */
        public Builder beforeCommit(Runnable hook) {
            this.beforeCommit = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /**
         * @param domain what issues the fencing tokens, e.g. the state backend's
         *               {@link dev.pipelinesdk.api.StateBackend#description() description}; tokens are
         *               compared only within one domain, so moving to another backend does not block
         *               imports; default {@code "default"}
         * @return this builder
         */
        public Builder fenceDomain(String domain) {
            if (domain == null || domain.isBlank()) {
                throw new IllegalArgumentException("fenceDomain must not be blank");
            }
            this.fenceDomain = domain;
            return this;
        }

        /**
         * @return the settings that decide the results besides the sources; a change makes the next
         *     run recompute even when the sources are unchanged
         */
        String settings() {
            return String.format(java.util.Locale.ROOT, "radius=%s;maxProblemRatio=%s;matcher=%d", radiusMetres,
                    maxProblemRatio, MATCHER_VERSION);
        }

        /**
         * @return the pipeline
         * @throws IllegalStateException when no sources were given
         */
        public Pipeline build() {
            if (registrySource == null) {
                throw new IllegalStateException("No sources: call sources(registry, osm) or sampleSources()");
            }
            SourceFetcher fetcher = new SourceFetcher(http == null ? SourceFetcher.defaultClient() : http);
            RetryPolicy transient_ = RetryPolicy.builder().maxAttempts(3).backoff(Duration.ofSeconds(2), 2.0)
                    .retryOn(SourceFetcher.TransientSourceException.class).build();
            return Pipeline.builder(NAME)
                    .phase(new DownloadPhase(layout, registrySource, osmSource, dataSource, NAME, force, fetcher, settings()),
                            Duration.ofHours(1), transient_)
                    .phase(new MatchPhase(layout, radiusMetres), Duration.ofHours(1))
                    .phase(new ProblemsPhase(layout, radiusMetres, maxProblemRatio), Duration.ofMinutes(30))
                    .phase(new ImportPhase(layout, dataSource, NAME, fenceDomain, settings(), beforeSwap, beforeCommit),
                            Duration.ofHours(1))
                    .build();
        }
    }
}
