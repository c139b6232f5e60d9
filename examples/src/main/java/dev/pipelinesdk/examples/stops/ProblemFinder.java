package dev.pipelinesdk.examples.stops;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Lists the data-quality problems of a matching:
 * <ul>
 *   <li>{@code reference_far}: a reference match farther apart than the radius (detail: the distance);</li>
 *   <li>{@code unmatched_registry}: a registry stop without a match;</li>
 *   <li>{@code unmatched_osm}: an OSM node no registry stop is matched to;</li>
 *   <li>{@code duplicate_match}: one problem <em>per registry stop</em> whose node is matched to other stops too,
 *       with the node id and the detail naming the other sloids (so every stop involved can be looked up by its
 *       own id);</li>
 *   <li>{@code name_mismatch}: a matched pair, both named, whose {@link StopNames#similarity} is below
 *       {@link StopNames#MISMATCH_THRESHOLD};</li>
 *   <li>{@code missing_data}: a registry stop without coordinates or without a name (one problem naming what is
 *       missing), an OSM node without a name.</li>
 * </ul>
 * The result is sorted by sloid (problems without one after the others), then node id (none last), then kind,
 * then detail, so equal inputs give equal lists. Instances are immutable and thread-safe.
 */
public final class ProblemFinder {

    private final double radiusMetres;

    /**
     * @param radiusMetres the matching radius; reference matches farther than this are problems; finite, &gt; 0
     * @throws IllegalArgumentException for another radius
     */
    public ProblemFinder(double radiusMetres) {
        if (!(radiusMetres > 0) || Double.isInfinite(radiusMetres)) {
            throw new IllegalArgumentException("radiusMetres must be a finite number > 0, got " + radiusMetres);
        }
        this.radiusMetres = radiusMetres;
    }

    /**
     * @param registry the registry stops that were matched
     * @param osm      the OSM nodes that were matched
     * @param matches  the matches of {@link StopMatcher#match}
     * @return the problems, in a deterministic order
     * @throws IllegalArgumentException when a match names a stop or node not in the inputs
     */
    public List<Problem> find(List<RegistryStop> registry, List<OsmStop> osm, List<Match> matches) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(osm, "osm");
        Objects.requireNonNull(matches, "matches");
        Map<String, RegistryStop> stops = new HashMap<>(registry.size() * 2);
        for (RegistryStop s : registry) {
            stops.put(s.atlasId(), s);
        }
        Map<Long, OsmStop> nodes = new HashMap<>(osm.size() * 2);
        for (OsmStop o : osm) {
            nodes.put(o.id(), o);
        }
        Map<Long, List<String>> stopsByNode = new HashMap<>();
        Set<String> matchedStops = new HashSet<>();
        List<Problem> problems = new ArrayList<>();
        for (Match m : matches) {
            RegistryStop stop = stops.get(m.atlasId());
            OsmStop node = nodes.get(m.osmId());
            if (stop == null || node == null) {
                throw new IllegalArgumentException("match " + m.atlasId() + " -> " + m.osmId()
                        + " names a " + (stop == null ? "registry stop" : "node") + " that is not in the input");
            }
            matchedStops.add(m.atlasId());
            stopsByNode.computeIfAbsent(m.osmId(), k -> new ArrayList<>(1)).add(m.atlasId());
            if (m.method() == Match.Method.REFERENCE && m.distanceMetres() > radiusMetres) {
                problems.add(new Problem(m.atlasId(), m.osmId(), Problem.Kind.REFERENCE_FAR,
                        String.format(Locale.ROOT, "matched by reference but %.1f m apart (radius %.1f m)",
                                m.distanceMetres(), radiusMetres)));
            }
            if (stop.name() != null && node.name() != null) {
                double similarity = StopNames.similarity(stop.name(), node.name());
                if (similarity < StopNames.MISMATCH_THRESHOLD) {
                    problems.add(new Problem(m.atlasId(), m.osmId(), Problem.Kind.NAME_MISMATCH,
                            String.format(Locale.ROOT, "registry name \"%s\", OSM name \"%s\" (similarity %.2f)",
                                    stop.name(), node.name(), similarity)));
                }
            }
        }
        for (Map.Entry<Long, List<String>> e : new TreeMap<>(stopsByNode).entrySet()) {
            List<String> sloids = e.getValue();
            if (sloids.size() > 1) {
                for (String sloid : sloids) {
                    List<String> others = new ArrayList<>(sloids);
                    others.remove(sloid);
                    others.sort(null);
                    problems.add(new Problem(sloid, e.getKey(), Problem.Kind.DUPLICATE_MATCH,
                            "OSM node " + e.getKey() + " is also matched to " + String.join(", ", others)));
                }
            }
        }
        for (RegistryStop s : registry) {
            if (!matchedStops.contains(s.atlasId())) {
                problems.add(new Problem(s.atlasId(), null, Problem.Kind.UNMATCHED_REGISTRY,
                        s.hasCoordinates()
                                ? String.format(Locale.ROOT, "no OSM node by reference, by name or within %.1f m",
                                        radiusMetres)
                                : "no OSM node by reference (no coordinates to search by)"));
            }
            List<String> missing = new ArrayList<>(2);
            if (!s.hasCoordinates()) {
                missing.add("coordinates");
            }
            if (s.name() == null) {
                missing.add("name");
            }
            if (!missing.isEmpty()) {
                problems.add(new Problem(s.atlasId(), null, Problem.Kind.MISSING_DATA,
                        "registry stop without " + String.join(" and ", missing)));
            }
        }
        for (OsmStop o : osm) {
            if (!stopsByNode.containsKey(o.id())) {
                problems.add(new Problem(null, o.id(), Problem.Kind.UNMATCHED_OSM, "no registry stop matched"));
            }
            if (o.name() == null) {
                problems.add(new Problem(null, o.id(), Problem.Kind.MISSING_DATA, "OSM node without name tag"));
            }
        }
        problems.sort(ORDER);
        return problems;
    }

    private static final Comparator<Problem> ORDER = Comparator
            .comparing(Problem::atlasId, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(Problem::osmId, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(Problem::kind)
            .thenComparing(Problem::detail);

    /**
     * The share of registry stops with at least one problem: what the pipeline's gate compares with
     * {@code STOPS_MAX_PROBLEM_RATIO}. Problems of OSM nodes alone ({@code unmatched_osm}, an
     * unnamed node) are reported but not counted: an OpenStreetMap extract normally holds many
     * stops the registry does not (other operators, neighbouring countries), and their number says
     * nothing about whether this run's matching went wrong.
     *
     * @param registry the registry stops
     * @param problems the problems found
     * @return the ratio in [0, 1]; 0 when there are no registry stops
     */
    public static double problemRatio(List<RegistryStop> registry, List<Problem> problems) {
        return problemRatio(registry.size(), problems);
    }

    /**
     * @param registryCount how many registry stops there are
     * @param problems      the problems found for them
     * @return distinct registry stops named by a problem / registryCount, capped at 1; 0 when there are none
     * @see #problemRatio(List, List)
     */
    public static double problemRatio(long registryCount, List<Problem> problems) {
        if (registryCount < 0) {
            throw new IllegalArgumentException("registryCount must be >= 0, got " + registryCount);
        }
        if (registryCount == 0) {
            return 0;
        }
        Set<String> stops = new HashSet<>();
        for (Problem p : problems) {
            if (p.atlasId() != null) {
                stops.add(p.atlasId());
            }
        }
        return Math.min(1.0, (double) stops.size() / registryCount);
    }
}
