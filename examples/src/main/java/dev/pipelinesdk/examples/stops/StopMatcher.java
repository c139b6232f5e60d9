package dev.pipelinesdk.examples.stops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.index.hprtree.HPRtree;

/**
 * Matches registry stops to OSM nodes in three stages; each later stage only sees what the earlier ones left.
 *
 * <ol>
 *   <li><b>Reference</b>: a node whose {@code uic_ref} equals the stop's {@code number}, or whose
 *       {@code ref:IFOPT} equals the sloid or starts with sloid + {@code ":"} (platform level, e.g.
 *       {@code ch:1:sloid:7000:1:2}). Among several such nodes the nearest wins (ties and stops without
 *       coordinates: the lowest node id). A reference match is kept however far the node is (that is a problem
 *       for {@link ProblemFinder}, not a non-match), and several stops may reference the same node.</li>
 *   <li><b>Name</b>, for stops with coordinates and a name: nodes not matched yet, with a name, within the
 *       <em>name radius</em> ({@value #NAME_RADIUS_FACTOR} × radius) and a {@link StopNames#similarity} of at least
 *       {@link StopNames#MATCH_THRESHOLD}. Pairs are assigned one-to-one, greedily by highest similarity, then
 *       shortest distance, then sloid, then node id.</li>
 *   <li><b>Nearest</b>, for stops with coordinates still unmatched: nodes not matched yet within the radius,
 *       except a node whose name clearly contradicts the stop's (both named and similarity below
 *       {@link StopNames#MISMATCH_THRESHOLD}: that is another stop, typically one the registry lacks), assigned
 *       one-to-one greedily by shortest distance, then sloid, then node id.</li>
 * </ol>
 *
 * <p>Distances are great-circle ({@link Geo#distanceMetres}). Stages 2 and 3 find candidates with a JTS
 * {@link HPRtree} over the nodes (a packed Hilbert R-tree: at a million nodes it builds in about a tenth of
 * an STRtree's time, see docs/benchmarks.md): the query box comes from {@link Geo#searchEnvelope} and
 * candidates are then filtered by exact distance. The result is deterministic: the same inputs in the same order give the same
 * matches, in registry order. Instances are immutable and thread-safe.
 */
public final class StopMatcher {

    /** The name radius is this many times the radius. */
    public static final double NAME_RADIUS_FACTOR = 3;

    /** How stages 2 and 3 find the nodes near a stop. */
    private enum Search {
        /** The spatial index. */
        INDEX,
        /** Every node, skipped outside the search box before the distance is computed. */
        SCAN_BOX,
        /** Every node, distance computed for each. */
        SCAN_ALL
    }

    private final double radiusMetres;
    private final Search search;

    /**
     * @param radiusMetres the radius of the nearest stage, finite and &gt; 0
     * @throws IllegalArgumentException for another radius
     */
    public StopMatcher(double radiusMetres) {
        this(radiusMetres, Search.INDEX);
    }

    private StopMatcher(double radiusMetres, Search search) {
        if (!(radiusMetres > 0) || Double.isInfinite(radiusMetres)) {
            throw new IllegalArgumentException("radiusMetres must be a finite number > 0, got " + radiusMetres);
        }
        this.radiusMetres = radiusMetres;
        this.search = search;
    }

    /**
     * The same matcher with its spatial index replaced by a scan of every node: the baseline the
     * benchmarks measure the index against. It returns exactly the matches of
     * {@link #StopMatcher(double)}, in time proportional to stops × nodes.
     *
     * @param radiusMetres the radius of the nearest stage, finite and &gt; 0
     * @param boxPrefilter {@code true} to skip nodes outside the search box before computing the
     *                     distance (a fast scan), {@code false} to compute the distance to every node
     * @return the scanning matcher
     */
    public static StopMatcher fullScan(double radiusMetres, boolean boxPrefilter) {
        return new StopMatcher(radiusMetres, boxPrefilter ? Search.SCAN_BOX : Search.SCAN_ALL);
    }

    /** @return the radius of the nearest stage in metres */
    public double radiusMetres() {
        return radiusMetres;
    }

    /** @return the radius of the name stage in metres ({@value #NAME_RADIUS_FACTOR} × radius) */
    public double nameRadiusMetres() {
        return NAME_RADIUS_FACTOR * radiusMetres;
    }

    /**
     * @param registry the registry stops (sloids unique)
     * @param osm      the OSM nodes
     * @param progress told about once per registry stop how many of the registry stops are done; whatever it
     *                 throws ends matching and propagates
     * @return at most one match per registry stop, in registry order
     */
    public List<Match> match(List<RegistryStop> registry, List<OsmStop> osm, MatchProgress progress) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(osm, "osm");
        Objects.requireNonNull(progress, "progress");
        return new Run(registry, osm, progress).run();
    }

    /**
     * Stage 1 alone (the reference stage, which needs no spatial search).
     *
     * @param registry the registry stops (sloids unique)
     * @param osm      the OSM nodes
     * @return the reference matches, in registry order
     */
    public List<Match> matchByReference(List<RegistryStop> registry, List<OsmStop> osm) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(osm, "osm");
        Run run = new Run(registry, osm, MatchProgress.NONE);
        run.byReference();
        return run.collect();
    }

    /** The state of one {@link #match} call. */
    private final class Run {
        private final List<RegistryStop> registry;
        private final List<OsmStop> osm;
        private final MatchProgress progress;
        private final int n;
        private final Match[] matches;
        private final boolean[] taken;
        private String[] normalisedOsmNames;
        private HPRtree tree;
        private double[] lats; // only when scanning
        private double[] lons;
        private long units;
        private long reported = -1;

        Run(List<RegistryStop> registry, List<OsmStop> osm, MatchProgress progress) {
            this.registry = registry;
            this.osm = osm;
            this.progress = progress;
            this.n = registry.size();
            this.matches = new Match[n];
            this.taken = new boolean[osm.size()];
        }

        List<Match> run() {
            report();
            byReference();
            byName();
            byNearest();
            if (reported != n) {
                progress.progress(n, n);
            }
            return collect();
        }

        List<Match> collect() {
            List<Match> out = new ArrayList<>();
            for (Match m : matches) {
                if (m != null) {
                    out.add(m);
                }
            }
            return out;
        }

        /** Each stop is visited once per stage; progress counts three visits as one stop. */
        private void step() {
            units++;
            report();
        }

        private void report() {
            long done = units / 3;
            if (done != reported) {
                reported = done;
                progress.progress(done, n);
            }
        }

        private void byReference() {
            Set<String> sloids = new HashSet<>(n * 2);
            for (RegistryStop s : registry) {
                sloids.add(s.atlasId());
            }
            Map<String, int[]> byUic = new HashMap<>();
            Map<String, int[]> byIfopt = new HashMap<>();
            for (int k = 0; k < osm.size(); k++) {
                OsmStop node = osm.get(k);
                if (node.uicRef() != null) {
                    add(byUic, node.uicRef().strip(), k);
                }
                if (node.ifoptRef() != null) {
                    String ref = node.ifoptRef().strip();
                    while (true) {
                        if (sloids.contains(ref)) {
                            add(byIfopt, ref, k);
                        }
                        int colon = ref.lastIndexOf(':');
                        if (colon <= 0) {
                            break;
                        }
                        ref = ref.substring(0, colon);
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                RegistryStop stop = registry.get(i);
                int best = -1;
                double bestDistance = Double.NaN;
                int[] byNumber = stop.number() == null ? null : byUic.get(stop.number());
                int[] bySloid = byIfopt.get(stop.atlasId());
                for (int[] list : new int[][] {byNumber, bySloid}) {
                    if (list == null) {
                        continue;
                    }
                    for (int k = 1; k <= list[0]; k++) {
                        int node = list[k];
                        double d = distance(stop, osm.get(node));
                        if (best < 0 || better(d, osm.get(node).id(), bestDistance, osm.get(best).id())) {
                            best = node;
                            bestDistance = d;
                        }
                    }
                }
                if (best >= 0) {
                    matches[i] = new Match(stop.atlasId(), osm.get(best).id(), bestDistance, Match.Method.REFERENCE);
                    taken[best] = true;
                }
                step();
            }
        }

        /** Nearer first (NaN distances compare equal), then lower node id. */
        private boolean better(double d, long id, double bestD, long bestId) {
            if (!Double.isNaN(d) && !Double.isNaN(bestD) && d != bestD) {
                return d < bestD;
            }
            return id < bestId;
        }

        private void byName() {
            double nameRadius = nameRadiusMetres();
            List<Candidate> candidates = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                RegistryStop stop = registry.get(i);
                if (matches[i] == null && stop.hasCoordinates() && stop.name() != null) {
                    StopNames.RegistryName name = StopNames.RegistryName.of(stop.name());
                    int reg = i;
                    forNodesWithin(stop, nameRadius, (node, d) -> {
                        if (osm.get(node).name() == null) {
                            return;
                        }
                        double score = name.similarity(osmName(node));
                        if (score >= StopNames.MATCH_THRESHOLD) {
                            candidates.add(new Candidate(reg, node, score, d));
                        }
                    });
                }
                step();
            }
            assign(candidates, Comparator.comparingDouble((Candidate c) -> -c.score), Match.Method.NAME);
        }

        private void byNearest() {
            List<Candidate> candidates = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                RegistryStop stop = registry.get(i);
                if (matches[i] == null && stop.hasCoordinates()) {
                    StopNames.RegistryName name = StopNames.RegistryName.of(stop.name());
                    int reg = i;
                    forNodesWithin(stop, radiusMetres, (node, d) -> {
                        if (stop.name() == null || osm.get(node).name() == null
                                || name.similarity(osmName(node)) >= StopNames.MISMATCH_THRESHOLD) {
                            candidates.add(new Candidate(reg, node, 0, d));
                        }
                    });
                }
                step();
            }
            assign(candidates, (a, b) -> 0, Match.Method.NEAREST);
        }

        /** Greedy one-to-one assignment in the order: {@code first}, distance, sloid, node id. */
        private void assign(List<Candidate> candidates, Comparator<Candidate> first, Match.Method method) {
            candidates.sort(first
                    .thenComparingDouble((Candidate c) -> c.distance)
                    .thenComparing((Candidate c) -> registry.get(c.registry).atlasId())
                    .thenComparingLong((Candidate c) -> osm.get(c.node).id()));
            for (Candidate c : candidates) {
                if (matches[c.registry] == null && !taken[c.node]) {
                    matches[c.registry] = new Match(registry.get(c.registry).atlasId(), osm.get(c.node).id(),
                            c.distance, method);
                    taken[c.node] = true;
                }
            }
        }

        /** Calls {@code visitor} for every node not taken within {@code radius} metres of the stop. */
        private void forNodesWithin(RegistryStop stop, double radius, NodeVisitor visitor) {
            Envelope box = Geo.searchEnvelope(stop.lat(), stop.lon(), radius);
            if (search != Search.INDEX) {
                scan(stop, radius, box, visitor);
                return;
            }
            tree().query(box, item -> {
                int node = (Integer) item;
                if (!taken[node]) {
                    OsmStop o = osm.get(node);
                    double d = Geo.distanceMetres(stop.lat(), stop.lon(), o.lat(), o.lon());
                    if (d <= radius) {
                        visitor.visit(node, d);
                    }
                }
            });
        }

        /** The baseline: every node not taken, from primitive coordinate arrays. */
        private void scan(RegistryStop stop, double radius, Envelope box, NodeVisitor visitor) {
            if (lats == null) {
                lats = new double[osm.size()];
                lons = new double[osm.size()];
                for (int k = 0; k < lats.length; k++) {
                    lats[k] = osm.get(k).lat();
                    lons[k] = osm.get(k).lon();
                }
            }
            boolean prefilter = search == Search.SCAN_BOX;
            for (int k = 0; k < lats.length; k++) {
                if (taken[k] || prefilter && (lons[k] < box.getMinX() || lons[k] > box.getMaxX()
                        || lats[k] < box.getMinY() || lats[k] > box.getMaxY())) {
                    continue;
                }
                double d = Geo.distanceMetres(stop.lat(), stop.lon(), lats[k], lons[k]);
                if (d <= radius) {
                    visitor.visit(k, d);
                }
            }
        }

        /** The spatial index over all nodes (x = lon, y = lat), built on first use. */
        private HPRtree tree() {
            if (tree == null) {
                tree = new HPRtree();
                for (int k = 0; k < osm.size(); k++) {
                    OsmStop o = osm.get(k);
                    tree.insert(new Envelope(o.lon(), o.lon(), o.lat(), o.lat()), k);
                }
                tree.build();
            }
            return tree;
        }

        private String osmName(int node) {
            if (normalisedOsmNames == null) {
                normalisedOsmNames = new String[osm.size()];
            }
            String s = normalisedOsmNames[node];
            if (s == null) {
                s = StopNames.normalise(osm.get(node).name());
                normalisedOsmNames[node] = s;
            }
            return s;
        }
    }

    private static double distance(RegistryStop stop, OsmStop node) {
        return stop.hasCoordinates() ? Geo.distanceMetres(stop.lat(), stop.lon(), node.lat(), node.lon()) : Double.NaN;
    }

    private static void add(Map<String, int[]> map, String key, int node) {
        int[] list = map.get(key);
        if (list == null) {
            map.put(key, new int[] {1, node});
            return;
        }
        if (list[0] + 1 == list.length) {
            list = Arrays.copyOf(list, list.length * 2);
            map.put(key, list);
        }
        list[0]++;
        list[list[0]] = node;
    }

    @FunctionalInterface
    private interface NodeVisitor {
        void visit(int node, double distanceMetres);
    }

    private record Candidate(int registry, int node, double score, double distance) {
    }
}
