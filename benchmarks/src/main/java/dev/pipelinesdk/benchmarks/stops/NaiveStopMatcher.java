package dev.pipelinesdk.benchmarks.stops;

import dev.pipelinesdk.examples.stops.Geo;
import dev.pipelinesdk.examples.stops.Match;
import dev.pipelinesdk.examples.stops.OsmStop;
import dev.pipelinesdk.examples.stops.RegistryStop;
import dev.pipelinesdk.examples.stops.StopMatcher;
import dev.pipelinesdk.examples.stops.StopNames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.locationtech.jts.geom.Envelope;

/**
 * The baseline of the {@code matching} benchmark: the three stages of {@link StopMatcher}, rule for
 * rule, with its spatial index replaced by a full scan. Stage 1 (reference) is the same hash lookup
 * (it never used the index). Stages 2 and 3 visit, for every stop, <em>every</em> OSM node and keep
 * those inside the same search box ({@link Geo#searchEnvelope}), then filter by the same exact
 * distance; the coordinates are scanned from primitive arrays, so the baseline is a fast scan, not a
 * strawman. Name scores use the public {@link StopNames#similarity(String, String)}, which gives the
 * same values as the matcher's cached form (it normalises per candidate, a cost only for the few
 * candidates inside the box). The same inputs give the same matches as {@link StopMatcher} (the
 * benchmark checks).
 */
final class NaiveStopMatcher {
    private final double radiusMetres;
    private final boolean boxPrefilter;

    /** A scan that skips nodes outside the search box before computing distances (a strong baseline). */
    NaiveStopMatcher(double radiusMetres) {
        this(radiusMetres, true);
    }

    /**
     * @param boxPrefilter {@code false} for the plain scan: the distance to every node not yet taken
     */
    NaiveStopMatcher(double radiusMetres, boolean boxPrefilter) {
        this.radiusMetres = radiusMetres;
        this.boxPrefilter = boxPrefilter;
    }

    List<Match> match(List<RegistryStop> registry, List<OsmStop> osm) {
        int n = registry.size();
        int m = osm.size();
        Match[] matches = new Match[n];
        boolean[] taken = new boolean[m];
        double[] lat = new double[m];
        double[] lon = new double[m];
        for (int k = 0; k < m; k++) {
            lat[k] = osm.get(k).lat();
            lon[k] = osm.get(k).lon();
        }
        byReference(registry, osm, matches, taken);

        // stage 2: by name within the name radius
        double nameRadius = StopMatcher.NAME_RADIUS_FACTOR * radiusMetres;
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RegistryStop stop = registry.get(i);
            if (matches[i] == null && stop.hasCoordinates() && stop.name() != null) {
                Envelope box = Geo.searchEnvelope(stop.lat(), stop.lon(), nameRadius);
                for (int k = 0; k < m; k++) {
                    if (!taken[k] && (!boxPrefilter || inside(box, lat[k], lon[k]))) {
                        double d = Geo.distanceMetres(stop.lat(), stop.lon(), lat[k], lon[k]);
                        String name = osm.get(k).name();
                        if (d <= nameRadius && name != null) {
                            double score = StopNames.similarity(stop.name(), name);
                            if (score >= StopNames.MATCH_THRESHOLD) {
                                candidates.add(new Candidate(i, k, score, d));
                            }
                        }
                    }
                }
            }
        }
        assign(registry, osm, matches, taken, candidates, Comparator.comparingDouble((Candidate c) -> -c.score),
                Match.Method.NAME);

        // stage 3: nearest within the radius, unless the names clearly contradict
        candidates = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RegistryStop stop = registry.get(i);
            if (matches[i] == null && stop.hasCoordinates()) {
                Envelope box = Geo.searchEnvelope(stop.lat(), stop.lon(), radiusMetres);
                for (int k = 0; k < m; k++) {
                    if (!taken[k] && (!boxPrefilter || inside(box, lat[k], lon[k]))) {
                        double d = Geo.distanceMetres(stop.lat(), stop.lon(), lat[k], lon[k]);
                        if (d <= radiusMetres) {
                            String name = osm.get(k).name();
                            if (stop.name() == null || name == null
                                    || StopNames.similarity(stop.name(), name) >= StopNames.MISMATCH_THRESHOLD) {
                                candidates.add(new Candidate(i, k, 0, d));
                            }
                        }
                    }
                }
            }
        }
        assign(registry, osm, matches, taken, candidates, (a, b) -> 0, Match.Method.NEAREST);

        List<Match> out = new ArrayList<>();
        for (Match match : matches) {
            if (match != null) {
                out.add(match);
            }
        }
        return out;
    }

    private static boolean inside(Envelope box, double lat, double lon) {
        return lon >= box.getMinX() && lon <= box.getMaxX() && lat >= box.getMinY() && lat <= box.getMaxY();
    }

    /** Stage 1 exactly as the matcher does it: hash maps of uic_ref and IFOPT prefixes. */
    static void byReference(List<RegistryStop> registry, List<OsmStop> osm, Match[] matches, boolean[] taken) {
        Set<String> sloids = new HashSet<>(registry.size() * 2);
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
        for (int i = 0; i < registry.size(); i++) {
            RegistryStop stop = registry.get(i);
            int best = -1;
            double bestDistance = Double.NaN;
            int[] byNumber = stop.number() == null ? null : byUic.get(stop.number());
            int[] bySloid = byIfopt.get(stop.atlasId());
            for (int[] list : new int[][] {byNumber, bySloid}) {
                if (list == null) {
                    continue;
                }
                for (int j = 1; j <= list[0]; j++) {
                    int node = list[j];
                    OsmStop o = osm.get(node);
                    double d = stop.hasCoordinates() ? Geo.distanceMetres(stop.lat(), stop.lon(), o.lat(), o.lon())
                            : Double.NaN;
                    if (best < 0 || better(d, o.id(), bestDistance, osm.get(best).id())) {
                        best = node;
                        bestDistance = d;
                    }
                }
            }
            if (best >= 0) {
                matches[i] = new Match(stop.atlasId(), osm.get(best).id(), bestDistance, Match.Method.REFERENCE);
                taken[best] = true;
            }
        }
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

    private static boolean better(double d, long id, double bestD, long bestId) {
        if (!Double.isNaN(d) && !Double.isNaN(bestD) && d != bestD) {
            return d < bestD;
        }
        return id < bestId;
    }

    private static void assign(List<RegistryStop> registry, List<OsmStop> osm, Match[] matches, boolean[] taken,
                               List<Candidate> candidates, Comparator<Candidate> first, Match.Method method) {
        candidates.sort(first
                .thenComparingDouble((Candidate c) -> c.distance)
                .thenComparing((Candidate c) -> registry.get(c.registry).atlasId())
                .thenComparingLong((Candidate c) -> osm.get(c.node).id()));
        for (Candidate c : candidates) {
            if (matches[c.registry] == null && !taken[c.node]) {
                matches[c.registry] = new Match(registry.get(c.registry).atlasId(), osm.get(c.node).id(), c.distance,
                        method);
                taken[c.node] = true;
            }
        }
    }

    private record Candidate(int registry, int node, double score, double distance) {
    }
}
