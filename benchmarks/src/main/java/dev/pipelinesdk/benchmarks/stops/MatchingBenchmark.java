package dev.pipelinesdk.benchmarks.stops;

import dev.pipelinesdk.api.PhaseReport;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.benchmarks.Benchmark;
import dev.pipelinesdk.benchmarks.Comparison;
import dev.pipelinesdk.benchmarks.Environment;
import dev.pipelinesdk.benchmarks.Figure;
import dev.pipelinesdk.core.InMemoryStateBackend;
import dev.pipelinesdk.core.PipelineRunner;
import dev.pipelinesdk.core.jdbc.JdbcRunHistory;
import dev.pipelinesdk.core.jdbc.SchemaMigrations;
import dev.pipelinesdk.core.testing.PostgresServer;
import dev.pipelinesdk.examples.ExampleConfig;
import dev.pipelinesdk.examples.SourceUrl;
import dev.pipelinesdk.examples.pipeline.StopsPipeline;
import dev.pipelinesdk.examples.stops.Match;
import dev.pipelinesdk.examples.stops.MatchProgress;
import dev.pipelinesdk.examples.stops.OsmJson;
import dev.pipelinesdk.examples.stops.OsmStop;
import dev.pipelinesdk.examples.stops.RegistryCsv;
import dev.pipelinesdk.examples.stops.RegistryStop;
import dev.pipelinesdk.examples.stops.StopMatcher;
import dev.pipelinesdk.examples.stops.StopsGenerator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import javax.sql.DataSource;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.index.hprtree.HPRtree;

/**
 * Issue 7, {@code matching}: the example's {@link StopMatcher} on 100 000 registry stops × about
 * 1 000 000 OSM nodes (time and heap), against a full-scan version of the same stages on a
 * 5 000 × 50 000 subset, and the whole stops pipeline on the large data inside this JVM's heap.
 */
public final class MatchingBenchmark implements Benchmark {
    static final int FULL_STOPS = 100_000;
    static final int FULL_NODES = 1_000_000;
    static final int SUBSET_STOPS = 5_000;
    static final int SUBSET_NODES = 50_000;
    static final long SEED = 7;
    static final int MIDDLE_STOPS = 10_000;
    static final int MIDDLE_NODES = 100_000;
    static final int ROUNDS = 3;
    /** The naive scan at full size is timed on every this-many-th registry stop against all nodes. */
    static final int SAMPLE_EVERY = 50;
    /** Share of registry stops whose own OSM node the generator writes (88 % with a node, minus 1 % duplicates). */
    static final double COUNTERPART_SHARE = 0.871;

    private static final double RADIUS = ExampleConfig.DEFAULT_RADIUS_M;

    @Override
    public String id() {
        return "matching";
    }

    @Override
    public String title() {
        return "Stop matching: 100 000 registry stops × 1 000 000 OSM nodes";
    }

    @Override
    public String method() {
        return "Inputs come from the example's `StopsGenerator` (seed " + SEED + "), with the extra unrelated OSM nodes"
                + " chosen so that the nodes total about the target; the radius is the example's default, "
                + (int) RADIUS + " m (name radius " + (int) (StopMatcher.NAME_RADIUS_FACTOR * RADIUS) + " m)."
                + " **Subject**: `StopMatcher.match` (reference by hash lookup; name and nearest stages query a JTS"
                + " HPRtree built inside the call). **Baseline**: the same matcher, `StopMatcher.fullScan(radius,"
                + " true)`, whose stages 2 and 3 test every OSM node against the same search box (from primitive"
                + " coordinate arrays) instead of querying the index, then compute the same exact distance — a"
                + " fast naive scan, not a strawman; both must return identical matches. A second"
                + " baseline is the plain scan a first version would write, `StopMatcher.fullScan(radius, false)`:"
                + " the distance to every node not yet taken (1 + 3 rounds on the subset). The"
                + " ratio naive / indexed is measured on a " + SUBSET_STOPS + " × " + SUBSET_NODES + " data set"
                + " generated the same way (2 warm-up + 5 alternating rounds of one whole match each, files"
                + " already parsed) and, to show the trend, on " + MIDDLE_STOPS + " × " + MIDDLE_NODES + " (1 + "
                + ROUNDS + " rounds); the HPRtree build and the reference stage are timed separately to show"
                + " where the indexed time goes. At full size the naive scan (minutes) is estimated two ways: one"
                + " naive run of every " + SAMPLE_EVERY + "th stop against all nodes, its scan part scaled to all"
                + " stops; and the subset's naive time × the (stops × nodes) ratio. The full-size indexed match runs"
                + " once after those rounds (JIT warm). **Heap**: a sampler reads `MemoryMXBean` heap used every "
                + HeapWatch.SAMPLE_MS + " ms and a listener on the GC beans adds the heap pools' usage before"
                + " and after each collection; *peak used* is the maximum of both (live objects plus garbage"
                + " not yet collected, so it depends on the collector's pacing), *peak after GC* the largest"
                + " heap a collection left (an upper bound of the live set), and *inputs* / *retained* the heap"
                + " after `System.gc()` before and after. **Whole pipeline**: `StopsPipeline` (download from"
                + " the generated files → match → problems → import) run by a `PipelineRunner` with the"
                + " in-memory state backend and a `JdbcRunHistory`, all in this benchmark JVM (`-Xmx1g`), its"
                + " heap watched the same way.";
    }

    @Override
    public List<Figure> run(Environment env) throws Exception {
        List<Figure> figures = new ArrayList<>();
        Path dir = env.scratch().resolve("matching");
        StopsGenerator.Summary subset = StopsGenerator.generate(dir.resolve("subset"), SUBSET_STOPS, SEED,
                extras(SUBSET_STOPS, SUBSET_NODES));
        long genStart = System.nanoTime();
        StopsGenerator.Summary full = StopsGenerator.generate(dir.resolve("full"), FULL_STOPS, SEED,
                extras(FULL_STOPS, FULL_NODES));
        double genSeconds = (System.nanoTime() - genStart) / 1e9;

        SubsetResult sub = subset(subset, 2, 5);
        figures.add(subsetFigure(sub, subset, true));
        figures.add(plainScanFigure(subset));
        StopsGenerator.Summary middle = StopsGenerator.generate(dir.resolve("middle"), MIDDLE_STOPS, SEED,
                extras(MIDDLE_STOPS, MIDDLE_NODES));
        SubsetResult mid = subset(middle, 1, ROUNDS);
        figures.add(subsetFigure(mid, middle, false));

        FullResult fullResult = full(full);
        double scale = (double) full.registryStops() * full.osmNodes() / ((double) subset.registryStops() * subset.osmNodes());
        double naiveScaledNs = sub.comparison.subjectNsPerOp() * scale;
        // the scan part grows with the stops; the reference stage (same code in both) is timed once at full size
        double naiveSampledNs = (double) (fullResult.sampleNs - fullResult.referenceNs) * full.registryStops()
                / fullResult.sampleStops + fullResult.referenceNs;
        figures.add(new Figure(id(), "indexed match, " + size(full),
                String.format(Locale.ROOT, "%.2f s", fullResult.matchNs / 1e9), "", null,
                String.format(Locale.ROOT, "%,d matches; one run; of it, building the HPRtree ≈ %.2f s and the"
                        + " reference stage ≈ %.2f s (timed separately once); parsing the files took %.1f s more (not"
                        + " included); generating them %.1f s", fullResult.matches, fullResult.treeNs / 1e9,
                        fullResult.referenceNs / 1e9, fullResult.readNs / 1e9, genSeconds)));
        figures.add(new Figure(id(), "naive / indexed at " + size(full) + " (naive estimated)",
                String.format(Locale.ROOT, "≈ %,.0f×", naiveSampledNs / fullResult.matchNs), "", null,
                String.format(Locale.ROOT, "naive estimated ≈ %.1f min from one naive run of %,d stops (every %dth)"
                        + " against all nodes (%.1f s), its scan part × %d, plus the reference stage; the subset's"
                        + " naive time × %.0f (stops × nodes) gives ≈ %.1f min, i.e. ≈ %,.0f×; the indexed time is"
                        + " measured", naiveSampledNs / 60e9, fullResult.sampleStops, SAMPLE_EVERY,
                        fullResult.sampleNs / 1e9, SAMPLE_EVERY, scale, naiveScaledNs / 60e9,
                        naiveScaledNs / fullResult.matchNs)));
        figures.add(new Figure(id(), "heap during the match, " + size(full),
                "peak used " + HeapWatch.mib(fullResult.peakUsed), "", null,
                "inputs (parsed files) " + HeapWatch.mib(fullResult.inputs) + " before; peak after GC "
                        + HeapWatch.mib(fullResult.peakAfterGc) + "; retained with the result "
                        + HeapWatch.mib(fullResult.retained) + " (after `System.gc()`, minus the inputs); "
                        + fullResult.collections + " collections during the match; max heap "
                        + HeapWatch.mib(Runtime.getRuntime().maxMemory())));

        PipelineResult p = pipeline(env, full);
        figures.add(new Figure(id(), "whole stops pipeline on " + size(full) + " in this JVM",
                p.report.outcome() + String.format(Locale.ROOT, " in %.1f s", p.report.duration().toMillis() / 1e3),
                "succeeds within -Xmx1g", p.report.succeeded() && Runtime.getRuntime().maxMemory() <= (1L << 30),
                "phases: " + p.phases + (p.report.error() == null ? "" : "; error: " + p.report.error().type() + ": "
                        + p.report.error().message())));
        figures.add(new Figure(id(), "heap during the whole pipeline", "peak used " + HeapWatch.mib(p.peakUsed), "",
                null, "peak after GC " + HeapWatch.mib(p.peakAfterGc) + "; " + p.collections
                        + " collections; max heap " + HeapWatch.mib(Runtime.getRuntime().maxMemory())));
        return figures;
    }

    private static int extras(int stops, int nodes) {
        return Math.max(0, nodes - (int) Math.round(stops * COUNTERPART_SHARE));
    }

    private static String size(StopsGenerator.Summary s) {
        return String.format(Locale.ROOT, "%,d × %,d", s.registryStops(), s.osmNodes());
    }

    private Figure subsetFigure(SubsetResult r, StopsGenerator.Summary s, boolean target) {
        Comparison c = r.comparison;
        return new Figure(id(), "naive scan / indexed, " + size(s), c.ratioText(), target ? "≥ 50×" : "",
                target ? c.ratio() >= 50 : null,
                String.format(Locale.ROOT, "%d rounds; per whole match (medians): indexed %.1f ms, naive %.0f ms;"
                        + " inside both: the reference stage %.1f ms, inside the indexed only: building the HPRtree"
                        + " %.1f ms; so the indexed name + nearest queries take ≈ %.1f ms against ≈ %.0f ms of"
                        + " scanning (≈ %.0f×); identical matches: %s (%,d)",
                        c.rounds(), c.baselineNsPerOp() / 1e6, c.subjectNsPerOp() / 1e6, r.referenceNs / 1e6,
                        r.treeNs / 1e6, (c.baselineNsPerOp() - r.referenceNs - r.treeNs) / 1e6,
                        (c.subjectNsPerOp() - r.referenceNs) / 1e6,
                        (c.subjectNsPerOp() - r.referenceNs) / (c.baselineNsPerOp() - r.referenceNs - r.treeNs),
                        r.identical ? "yes" : "**no**", r.matches));
    }

    /** The plain scan (the distance to every node) against the indexed matcher on the subset. */
    private Figure plainScanFigure(StopsGenerator.Summary s) throws Exception {
        List<RegistryStop> registry = RegistryCsv.read(s.registryFile(), "registry.csv");
        List<OsmStop> osm = OsmJson.read(s.osmFile(), "osm.json");
        StopMatcher indexed = new StopMatcher(RADIUS);
        StopMatcher plain = StopMatcher.fullScan(RADIUS, false);
        boolean identical = indexed.match(registry, osm, (done, total) -> { })
                .equals(plain.match(registry, osm, MatchProgress.NONE));
        Comparison c = Comparison.of(() -> plain.match(registry, osm, MatchProgress.NONE),
                () -> indexed.match(registry, osm, (done, total) -> { }), 1, 3, 1);
        return new Figure(id(), "plain scan (distance to every node) / indexed, " + size(s), c.ratioText(), "≥ 50×",
                c.ratio() >= 50, String.format(Locale.ROOT, "%d rounds; per whole match (medians): indexed %.1f ms,"
                        + " plain scan %.0f ms; identical matches: %s", c.rounds(), c.baselineNsPerOp() / 1e6,
                        c.subjectNsPerOp() / 1e6, identical ? "yes" : "**no**"));
    }

    private record SubsetResult(Comparison comparison, boolean identical, int matches, double treeNs,
                                double referenceNs) {
    }

    private static SubsetResult subset(StopsGenerator.Summary s, int warmup, int rounds) throws Exception {
        List<RegistryStop> registry = RegistryCsv.read(s.registryFile(), "registry.csv");
        List<OsmStop> osm = OsmJson.read(s.osmFile(), "osm.json");
        StopMatcher indexed = new StopMatcher(RADIUS);
        StopMatcher naive = StopMatcher.fullScan(RADIUS, true);
        List<Match> a = indexed.match(registry, osm, (done, total) -> { });
        List<Match> b = naive.match(registry, osm, MatchProgress.NONE);
        Comparison c = Comparison.of(() -> naive.match(registry, osm, MatchProgress.NONE),
                () -> indexed.match(registry, osm, (done, total) -> { }), warmup, rounds, 1);
        double[] tree = new double[5];
        double[] reference = new double[5];
        for (int i = 0; i < tree.length; i++) {
            long start = System.nanoTime();
            buildTree(osm);
            tree[i] = System.nanoTime() - start;
            start = System.nanoTime();
            indexed.matchByReference(registry, osm);
            reference[i] = System.nanoTime() - start;
        }
        return new SubsetResult(c, a.equals(b), a.size(), Comparison.percentile(tree, 50), Comparison.percentile(reference, 50));
    }

    /** The matcher's index, built as {@code StopMatcher} builds it. */
    private static HPRtree buildTree(List<OsmStop> osm) {
        HPRtree tree = new HPRtree();
        for (int k = 0; k < osm.size(); k++) {
            OsmStop o = osm.get(k);
            tree.insert(new Envelope(o.lon(), o.lon(), o.lat(), o.lat()), k);
        }
        tree.build();
        return tree;
    }

    private record FullResult(long readNs, long matchNs, int matches, long inputs, long peakUsed, long peakAfterGc,
                              long retained, long collections, long treeNs, long referenceNs, int sampleStops,
                              long sampleNs) {
    }

    private static FullResult full(StopsGenerator.Summary s) {
        long before = HeapWatch.settledUsed();
        long start = System.nanoTime();
        List<RegistryStop> registry = RegistryCsv.read(s.registryFile(), "registry.csv");
        List<OsmStop> osm = OsmJson.read(s.osmFile(), "osm.json");
        long readNs = System.nanoTime() - start;
        List<Match> matches;
        long matchNs;
        HeapWatch watch = HeapWatch.start();
        try (watch) {
            start = System.nanoTime();
            matches = new StopMatcher(RADIUS).match(registry, osm, (done, total) -> { });
            matchNs = System.nanoTime() - start;
        }
        long after = HeapWatch.settledUsed();
        FullResult r = new FullResult(readNs, matchNs, matches.size(), watch.baseline() - before, watch.peakUsed(),
                watch.peakAfterGc(), after - watch.baseline(), watch.collections(), 0, 0, 0, 0);
        // where the indexed time goes, and what the naive scan would cost at this size
        start = System.nanoTime();
        buildTree(osm);
        long treeNs = System.nanoTime() - start;
        start = System.nanoTime();
        new StopMatcher(RADIUS).matchByReference(registry, osm);
        long referenceNs = System.nanoTime() - start;
        List<RegistryStop> sample = new ArrayList<>();
        for (int i = 0; i < registry.size(); i += SAMPLE_EVERY) {
            sample.add(registry.get(i));
        }
        start = System.nanoTime();
        StopMatcher.fullScan(RADIUS, true).match(sample, osm, MatchProgress.NONE);
        long sampleNs = System.nanoTime() - start;
        return new FullResult(r.readNs, r.matchNs, r.matches, r.inputs, r.peakUsed, r.peakAfterGc, r.retained,
                r.collections, treeNs, referenceNs, sample.size(), sampleNs);
    }

    private record PipelineResult(RunReport report, String phases, long peakUsed, long peakAfterGc, long collections) {
    }

    private static PipelineResult pipeline(Environment env, StopsGenerator.Summary s) throws Exception {
        PostgresServer.Database db = env.database();
        DataSource ds = db.dataSource();
        SchemaMigrations.migrate(ds);
        Path data = env.scratch().resolve("matching").resolve("pipeline-data");
        var pipeline = StopsPipeline.builder(ds, data)
                .sources(SourceUrl.ofFile(s.registryFile()), SourceUrl.ofFile(s.osmFile()))
                .build();
        RunReport report;
        HeapWatch watch = HeapWatch.start();
        try (watch;
             PipelineRunner runner = PipelineRunner.builder(new InMemoryStateBackend())
                     .history(JdbcRunHistory.create(ds))
                     .workDirectory(env.scratch().resolve("matching").resolve("work"))
                     .build()) {
            report = runner.runOnce(pipeline);
        }
        StringJoiner phases = new StringJoiner(", ");
        for (PhaseReport p : report.phases()) {
            phases.add(String.format(Locale.ROOT, "%s %.1f s", p.name(), p.duration().toMillis() / 1e3));
        }
        return new PipelineResult(report, phases.toString(), watch.peakUsed(), watch.peakAfterGc(), watch.collections());
    }
}
