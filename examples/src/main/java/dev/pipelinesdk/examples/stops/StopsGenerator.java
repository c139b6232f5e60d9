package dev.pipelinesdk.examples.stops;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Writes realistic synthetic inputs with their ground truth: {@code registry.csv} (as {@link RegistryCsv} reads),
 * {@code osm.json} (as {@link OsmJson} reads) and {@code truth.csv} (as {@link GroundTruth} reads).
 *
 * <p>The same (stops, seed, extra nodes) give byte-identical files: everything comes from one
 * {@link SplittableRandom} drawn in a fixed order, and numbers are formatted without the locale.
 *
 * <p>The mess, per registry stop (shares approximate):
 * <ul>
 *   <li>stops clustered in towns (about 25 per town, Gaussian around the centre, at least 100 m apart) over a
 *       Switzerland-like box (lat 45.82–47.81, lon 5.96–10.49), named {@code "Town, Place"}; 2 % without
 *       number, 0.3 % without name, 1 % without coordinates;</li>
 *   <li>1 % duplicates: a second sloid with the same number 5–20 m from an earlier stop, the same name; truly the
 *       same stop, so the truth maps it to the earlier stop's node;</li>
 *   <li>88 % have an OSM node, offset |N(0, 9 m)| (at most 40 m) — or, for 2 % of them, 80–400 m but then always
 *       carrying a reference; {@code uic_ref} on 45 %, {@code ref:IFOPT} on 35 % (half of them platform-level,
 *       {@code sloid:1:2}); the name exact, re-cased, abbreviated (Bhf, Str., St.), without comma, without
 *       accents, the place alone, with a typo, or missing (7 %);</li>
 *   <li>extra unrelated OSM stops (default 30 % of the stops), half in towns with names of places that have no
 *       registry stop, half anywhere in the box, a quarter of them unnamed, none with a reference;</li>
 *   <li>one way element per 1000 stops (to be skipped by the reader).</li>
 * </ul>
 * The truth is the real correspondence, not what any particular matcher finds: a stop without coordinates whose
 * node carries no reference still has its node in the truth.
 *
 * <p>Memory: the registry stops and their nodes are held (a few hundred bytes each); extra nodes are written as
 * they are drawn, so a million of them cost nothing.
 */
public final class StopsGenerator {

    /** Registry file name. */
    public static final String REGISTRY_FILE = "registry.csv";
    /** OSM file name. */
    public static final String OSM_FILE = "osm.json";
    /** Truth file name. */
    public static final String TRUTH_FILE = "truth.csv";

    private static final double MIN_LAT = 45.82;
    private static final double MAX_LAT = 47.81;
    private static final double MIN_LON = 5.96;
    private static final double MAX_LON = 10.49;
    private static final double MIN_SPACING_M = 100;

    /**
     * What was generated.
     *
     * @param registryFile  the registry CSV
     * @param osmFile       the Overpass JSON
     * @param truthFile     the truth CSV
     * @param registryStops registry rows written
     * @param osmNodes      OSM nodes written (counterparts plus extras)
     * @param extraOsmNodes OSM nodes without a registry stop among them
     * @param truthPairs    registry stops with an OSM counterpart
     */
    public record Summary(Path registryFile, Path osmFile, Path truthFile, int registryStops, int osmNodes,
            int extraOsmNodes, int truthPairs) {
    }

    private StopsGenerator() {
    }

    /**
     * Generates with the default number of extra unrelated OSM nodes, 30 % of {@code stops}.
     *
     * @param outDir directory to write into (created if needed; files replaced)
     * @param stops  registry stops to write, &gt;= 1
     * @param seed   the random seed
     * @return what was written
     */
    public static Summary generate(Path outDir, int stops, long seed) {
        return generate(outDir, stops, seed, (int) (stops * 0.3));
    }

    /**
     * @param outDir        directory to write into (created if needed; files replaced)
     * @param stops         registry stops to write, &gt;= 1
     * @param seed          the random seed
     * @param extraOsmNodes unrelated OSM nodes to add, &gt;= 0
     * @return what was written
     */
    public static Summary generate(Path outDir, int stops, long seed, int extraOsmNodes) {
        Objects.requireNonNull(outDir, "outDir");
        if (stops < 1) {
            throw new IllegalArgumentException("stops must be >= 1, got " + stops);
        }
        if (extraOsmNodes < 0) {
            throw new IllegalArgumentException("extraOsmNodes must be >= 0, got " + extraOsmNodes);
        }
        try {
            Files.createDirectories(outDir);
            return new Generation(outDir, stops, extraOsmNodes, new SplittableRandom(seed)).run();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot generate into " + outDir + ": " + e.getMessage(), e);
        }
    }

    /** A town: centre, spread, name and the places its registry stops use. */
    private static final class Town {
        final String name;
        final double lat;
        final double lon;
        final double sigmaMetres;
        final Set<String> places = new HashSet<>();

        Town(String name, double lat, double lon, double sigmaMetres) {
            this.name = name;
            this.lat = lat;
            this.lon = lon;
            this.sigmaMetres = sigmaMetres;
        }
    }

    /** One registry row and its true node. */
    private static final class Stop {
        String sloid;
        String number;
        String name;
        String town;
        double lat;
        double lon;
        boolean writeCoordinates = true;
        boolean duplicate;
        Node node;
    }

    /** One OSM node to write. */
    private static final class Node {
        long id;
        double lat;
        double lon;
        String name;
        String uicRef;
        String ifopt;
    }

    private static final class Generation {
        private final Path dir;
        private final int stopCount;
        private final int extras;
        private final SplittableRandom rnd;
        private final List<Town> towns = new ArrayList<>();
        private final Map<Long, List<double[]>> grid = new HashMap<>();
        private final List<Stop> stops = new ArrayList<>();

        Generation(Path dir, int stopCount, int extras, SplittableRandom rnd) {
            this.dir = dir;
            this.stopCount = stopCount;
            this.extras = extras;
            this.rnd = rnd;
        }

        Summary run() throws IOException {
            makeTowns();
            makeStops();
            List<Node> counterparts = new ArrayList<>();
            for (Stop s : stops) {
                if (s.node != null && !s.duplicate) {
                    counterparts.add(s.node);
                }
            }
            writeRegistry();
            int written = writeOsm(counterparts);
            int pairs = writeTruth();
            return new Summary(dir.resolve(REGISTRY_FILE), dir.resolve(OSM_FILE), dir.resolve(TRUTH_FILE),
                    stops.size(), written, extras, pairs);
        }

        private void makeTowns() {
            int count = Math.max(1, stopCount / 25);
            Set<String> names = new HashSet<>();
            for (int i = 0; i < count; i++) {
                String name;
                int attempt = 0;
                do {
                    name = GeneratedNames.town(rnd);
                    if (++attempt > 20) {
                        name = name + " " + (i + 1);
                    }
                } while (!names.add(name));
                double lat = MIN_LAT + 0.02 + rnd.nextDouble() * (MAX_LAT - MIN_LAT - 0.04);
                double lon = MIN_LON + 0.03 + rnd.nextDouble() * (MAX_LON - MIN_LON - 0.06);
                towns.add(new Town(name, lat, lon, 300 + rnd.nextDouble() * 1500));
            }
        }

        private void makeStops() {
            long k = 1000;
            List<Stop> primaries = new ArrayList<>();
            for (int i = 0; i < stopCount; i++) {
                k += 1 + rnd.nextInt(4);
                Stop s = new Stop();
                s.sloid = "ch:1:sloid:" + k;
                if (!primaries.isEmpty() && rnd.nextDouble() < 0.01) {
                    Stop original = primaries.get(rnd.nextInt(primaries.size()));
                    if (original.number != null && original.writeCoordinates) {
                        s.number = original.number;
                        s.name = original.name;
                        s.town = original.town;
                        double[] p = offset(original.lat, original.lon, 5 + rnd.nextDouble() * 15);
                        s.lat = p[0];
                        s.lon = p[1];
                        s.node = original.node;
                        s.duplicate = true;
                        stops.add(s);
                        continue;
                    }
                }
                Town town = towns.get(rnd.nextInt(towns.size()));
                s.town = town.name;
                s.number = rnd.nextDouble() < 0.02 ? null : "85" + String.format(java.util.Locale.ROOT, "%05d", k);
                String place = GeneratedNames.freePlace(rnd, town.places);
                town.places.add(place);
                s.name = rnd.nextDouble() < 0.003 ? null : town.name + ", " + place;
                double[] p = freePosition(town);
                s.lat = p[0];
                s.lon = p[1];
                s.writeCoordinates = rnd.nextDouble() >= 0.01;
                if (rnd.nextDouble() < 0.88) {
                    s.node = counterpart(s, town.name, place);
                }
                stops.add(s);
                primaries.add(s);
            }
        }

        private Node counterpart(Stop s, String town, String place) {
            Node n = new Node();
            boolean far = rnd.nextDouble() < 0.02;
            double[] p = offset(s.lat, s.lon, far ? 80 + rnd.nextDouble() * 320
                    : Math.min(40, Math.abs(rnd.nextGaussian() * 9)));
            n.lat = p[0];
            n.lon = p[1];
            if (s.number != null && rnd.nextDouble() < 0.45) {
                n.uicRef = s.number;
            }
            if (rnd.nextDouble() < 0.35) {
                n.ifopt = rnd.nextBoolean() ? s.sloid : s.sloid + ":" + (1 + rnd.nextInt(3)) + ":" + (1 + rnd.nextInt(4));
            }
            if (far && n.uicRef == null && n.ifopt == null) {
                if (s.number != null) {
                    n.uicRef = s.number;
                } else {
                    n.ifopt = s.sloid;
                }
            }
            n.name = s.name == null ? (rnd.nextBoolean() ? null : town + ", " + place) : GeneratedNames.osmVariant(rnd, town, place);
            return n;
        }

        private double[] freePosition(Town town) {
            double sigma = town.sigmaMetres;
            for (int attempt = 0; ; attempt++) {
                if (attempt > 0 && attempt % 30 == 0) {
                    sigma *= 1.5;
                }
                double[] p = offset(town.lat, town.lon, Math.abs(rnd.nextGaussian()) * sigma);
                if (p[0] < MIN_LAT || p[0] > MAX_LAT || p[1] < MIN_LON || p[1] > MAX_LON) {
                    continue;
                }
                if (isFree(p)) {
                    long cell = cell(p[0], p[1]);
                    grid.computeIfAbsent(cell, c -> new ArrayList<>(2)).add(p);
                    return p;
                }
            }
        }

        private static final double CELL_LAT = 0.001;
        private static final double CELL_LON = 0.0015;

        private static long cell(double lat, double lon) {
            return ((long) Math.floor(lat / CELL_LAT) << 32) ^ ((long) Math.floor(lon / CELL_LON) & 0xffffffffL);
        }

        private boolean isFree(double[] p) {
            long cy = (long) Math.floor(p[0] / CELL_LAT);
            long cx = (long) Math.floor(p[1] / CELL_LON);
            for (long y = cy - 1; y <= cy + 1; y++) {
                for (long x = cx - 1; x <= cx + 1; x++) {
                    List<double[]> list = grid.get((y << 32) ^ (x & 0xffffffffL));
                    if (list != null) {
                        for (double[] q : list) {
                            if (Geo.distanceMetres(p[0], p[1], q[0], q[1]) < MIN_SPACING_M) {
                                return false;
                            }
                        }
                    }
                }
            }
            return true;
        }

        /** A point {@code metres} away from (lat, lon) in a random direction. */
        private double[] offset(double lat, double lon, double metres) {
            double bearing = rnd.nextDouble() * 2 * Math.PI;
            double dLat = metres * Math.cos(bearing) / 111_195.0;
            double dLon = metres * Math.sin(bearing) / (111_195.0 * Math.cos(Math.toRadians(lat)));
            return new double[] {lat + dLat, lon + dLon};
        }

        private void writeRegistry() throws IOException {
            try (Writer out = writer(REGISTRY_FILE)) {
                out.write("sloid;number;designationOfficial;designationLong;municipalityName;wgs84East;wgs84North;status\n");
                for (Stop s : stops) {
                    out.write(s.sloid);
                    out.write(';');
                    out.write(s.number == null ? "" : s.number);
                    out.write(';');
                    out.write(csv(s.name));
                    out.write(";;");
                    out.write(csv(s.town));
                    out.write(';');
                    if (s.writeCoordinates) {
                        out.write(fixed7(s.lon));
                        out.write(';');
                        out.write(fixed7(s.lat));
                    } else {
                        out.write(';');
                    }
                    out.write(";VALIDATED\n");
                }
            }
        }

        private int writeOsm(List<Node> counterparts) throws IOException {
            for (int i = counterparts.size() - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                Node t = counterparts.get(i);
                counterparts.set(i, counterparts.get(j));
                counterparts.set(j, t);
            }
            int ways = Math.max(1, stops.size() / 1000);
            int written = 0;
            try (Writer out = writer(OSM_FILE)) {
                out.write("{\n  \"version\": 0.6,\n  \"generator\": \"pipeline-sdk stops generator\",\n"
                        + "  \"osm3s\": {\"timestamp_osm_base\": \"2026-01-01T00:00:00Z\", "
                        + "\"copyright\": \"synthetic data, no OpenStreetMap content\"},\n  \"elements\": [\n");
                long id = 100_000_000L;
                int c = 0;
                int e = 0;
                Node extra = new Node();
                while (c < counterparts.size() || e < extras) {
                    id += 1 + rnd.nextInt(40);
                    Node n;
                    if (rnd.nextInt(counterparts.size() - c + extras - e) < counterparts.size() - c) {
                        n = counterparts.get(c++);
                    } else {
                        n = extra(extra);
                        e++;
                    }
                    n.id = id;
                    if (written++ > 0) {
                        out.write(",\n");
                    }
                    writeNode(out, n);
                }
                for (int w = 0; w < ways; w++) {
                    out.write(written++ > 0 ? ",\n" : "");
                    out.write("{\"type\":\"way\",\"id\":" + (w + 1) + ",\"nodes\":[1,2,3],"
                            + "\"tags\":{\"highway\":\"platform\",\"name\":\"Perron " + (w + 1) + "\"}}");
                }
                out.write("\n  ]\n}\n");
            }
            return written - ways;
        }

        private Node extra(Node n) {
            n.uicRef = null;
            n.ifopt = null;
            double[] p;
            String name;
            if (rnd.nextBoolean()) {
                Town town = towns.get(rnd.nextInt(towns.size()));
                p = offset(town.lat, town.lon, Math.abs(rnd.nextGaussian()) * town.sigmaMetres * 1.5);
                name = town.name + ", " + GeneratedNames.freePlace(rnd, town.places);
            } else {
                p = new double[] {MIN_LAT + rnd.nextDouble() * (MAX_LAT - MIN_LAT),
                    MIN_LON + rnd.nextDouble() * (MAX_LON - MIN_LON)};
                name = GeneratedNames.remote(rnd);
            }
            n.lat = Math.max(-90, Math.min(90, p[0]));
            n.lon = p[1];
            n.name = rnd.nextDouble() < 0.25 ? null : name;
            return n;
        }

        private static void writeNode(Writer out, Node n) throws IOException {
            out.write("{\"type\":\"node\",\"id\":");
            out.write(Long.toString(n.id));
            out.write(",\"lat\":");
            out.write(fixed7(n.lat));
            out.write(",\"lon\":");
            out.write(fixed7(n.lon));
            out.write(",\"tags\":{\"bus\":\"yes\",\"highway\":\"bus_stop\"");
            if (n.name != null) {
                out.write(",\"name\":");
                out.write(json(n.name));
            }
            out.write(",\"public_transport\":\"platform\"");
            if (n.ifopt != null) {
                out.write(",\"ref:IFOPT\":");
                out.write(json(n.ifopt));
            }
            if (n.uicRef != null) {
                out.write(",\"uic_ref\":");
                out.write(json(n.uicRef));
            }
            out.write("}}");
        }

        private int writeTruth() throws IOException {
            int pairs = 0;
            try (Writer out = writer(TRUTH_FILE)) {
                out.write(GroundTruth.HEADER);
                out.write('\n');
                for (Stop s : stops) {
                    out.write(s.sloid);
                    out.write(';');
                    if (s.node != null) {
                        out.write(Long.toString(s.node.id));
                        pairs++;
                    }
                    out.write('\n');
                }
            }
            return pairs;
        }

        private Writer writer(String name) throws IOException {
            return new BufferedWriter(Files.newBufferedWriter(dir.resolve(name), StandardCharsets.UTF_8), 1 << 16);
        }
    }

    /** {@code v} with exactly 7 decimals, locale-free. */
    static String fixed7(double v) {
        long x = Math.round(Math.abs(v) * 1e7);
        String frac = Long.toString(x % 10_000_000L);
        return (v < 0 && x != 0 ? "-" : "") + (x / 10_000_000L) + "." + "0".repeat(7 - frac.length()) + frac;
    }

    private static String csv(String s) {
        if (s == null) {
            return "";
        }
        if (s.indexOf(';') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private static String json(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
