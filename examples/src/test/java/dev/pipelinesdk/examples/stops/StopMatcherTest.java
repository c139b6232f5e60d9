package dev.pipelinesdk.examples.stops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StopMatcherTest {

    static final double LAT = 46.9480;
    static final double LON = 7.4474;
    /** Degrees of latitude per metre. */
    static final double M = 1 / 111_195.08;

    private final StopMatcher matcher = new StopMatcher(50);

    static RegistryStop stop(String sloid, String number, String name, double northMetres, double eastMetres) {
        return new RegistryStop(sloid, number, name, LAT + northMetres * M,
                LON + eastMetres * M / Math.cos(Math.toRadians(LAT)), 0);
    }

    static OsmStop node(long id, double northMetres, double eastMetres, String name, String uic, String ifopt) {
        return new OsmStop(id, LAT + northMetres * M, LON + eastMetres * M / Math.cos(Math.toRadians(LAT)), name,
                uic, ifopt);
    }

    @Test
    void rejectsARadiusThatIsNotPositive() {
        assertThatThrownBy(() -> new StopMatcher(0)).hasMessageContaining("radiusMetres").hasMessageContaining("0.0");
        assertThatThrownBy(() -> new StopMatcher(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new StopMatcher(40).nameRadiusMetres()).isEqualTo(120);
    }

    @Test
    void referenceBeatsANearerNode() {
        List<Match> m = matcher.match(List.of(stop("ch:1:sloid:1", "8500001", "Bern, Post", 0, 0)),
                List.of(node(10, 0, 2, "Bern, Post", null, null), node(11, 30, 0, "Bern, Post", "8500001", null)),
                MatchProgress.NONE);
        assertThat(m).hasSize(1);
        assertThat(m.get(0).osmId()).isEqualTo(11);
        assertThat(m.get(0).method()).isEqualTo(Match.Method.REFERENCE);
        assertThat(m.get(0).distanceMetres()).isCloseTo(30, within(0.01));
    }

    @Test
    void ifoptMatchesTheSloidOrAPlatformOfItButNotALongerNumber() {
        List<RegistryStop> registry = List.of(stop("ch:1:sloid:7000", null, "A, B", 0, 0),
                stop("ch:1:sloid:700", null, "C, D", 5000, 0));
        List<Match> m = matcher.match(registry, List.of(node(1, 5200, 0, null, null, "ch:1:sloid:7000:1:2"),
                node(2, 0, 0, null, null, "ch:1:sloid:7000")), MatchProgress.NONE);
        assertThat(m).extracting(Match::atlasId, Match::osmId, Match::method).containsExactly(
                org.assertj.core.groups.Tuple.tuple("ch:1:sloid:7000", 2L, Match.Method.REFERENCE));
        List<Match> platform = matcher.match(registry.subList(0, 1),
                List.of(node(1, 10, 0, null, null, "ch:1:sloid:7000:1:2"), node(3, 1, 0, null, null, null)),
                MatchProgress.NONE);
        assertThat(platform).singleElement().satisfies(x -> {
            assertThat(x.osmId()).isEqualTo(1);
            assertThat(x.method()).isEqualTo(Match.Method.REFERENCE);
        });
    }

    @Test
    void severalReferencesTakeTheNearestAndSeveralStopsMayReferenceOneNode() {
        List<RegistryStop> registry = List.of(stop("ch:1:sloid:1", "8500001", "X, Y", 0, 0),
                stop("ch:1:sloid:2", "8500001", "X, Y", 0, 10));
        List<Match> m = matcher.match(registry, List.of(node(5, 0, 40, null, "8500001", null),
                node(6, 0, -20, null, null, "ch:1:sloid:1")), MatchProgress.NONE);
        assertThat(m).extracting(Match::osmId).containsExactly(6L, 5L);
        List<Match> shared = matcher.match(registry, List.of(node(5, 0, 5, null, "8500001", null)), MatchProgress.NONE);
        assertThat(shared).extracting(Match::osmId).containsExactly(5L, 5L);
    }

    @Test
    void aFarReferenceMatchIsKept() {
        List<Match> m = matcher.match(List.of(stop("ch:1:sloid:1", "8500001", "X, Y", 0, 0)),
                List.of(node(5, 3000, 0, "Other", "8500001", null), node(6, 3, 0, null, null, null)), MatchProgress.NONE);
        assertThat(m).singleElement().satisfies(x -> {
            assertThat(x.osmId()).isEqualTo(5);
            assertThat(x.distanceMetres()).isCloseTo(3000, within(0.5));
        });
    }

    @Test
    void aStopWithoutCoordinatesMatchesByReferenceOnlyWithNaNDistance() {
        RegistryStop noCoordinates = new RegistryStop("ch:1:sloid:9", "8500009", "Bern, Post", Double.NaN, Double.NaN, 2);
        RegistryStop alsoNone = new RegistryStop("ch:1:sloid:8", "8500008", "Bern, Post", Double.NaN, Double.NaN, 3);
        List<Match> m = matcher.match(List.of(noCoordinates, alsoNone),
                List.of(node(8, 0, 0, "Bern, Post", null, null), node(7, 0, 0, null, "8500009", null),
                        node(3, 9, 0, null, "8500009", null)),
                MatchProgress.NONE);
        assertThat(m).singleElement().satisfies(x -> {
            assertThat(x.atlasId()).isEqualTo("ch:1:sloid:9");
            assertThat(x.osmId()).as("lowest id among references when distance is unknown").isEqualTo(3);
            assertThat(x.distanceMetres()).isNaN();
        });
    }

    @Test
    void nameStagePicksTheSimilarNameAmongTwoNearbyNodes() {
        List<Match> m = matcher.match(List.of(stop("ch:1:sloid:1", null, "Zürich, Bahnhofstrasse", 0, 0)),
                List.of(node(1, 0, 10, "Zürich, Kirche", null, null),
                        node(2, 0, 120, "zurich bahnhofstr.", null, null)), MatchProgress.NONE);
        assertThat(m).singleElement().satisfies(x -> {
            assertThat(x.osmId()).isEqualTo(2);
            assertThat(x.method()).isEqualTo(Match.Method.NAME);
        });
    }

    @Test
    void nameStageIsOneToOneByBestScoreThenDistance() {
        List<RegistryStop> registry = List.of(stop("ch:1:sloid:1", null, "Au, Post", 0, 0),
                stop("ch:1:sloid:2", null, "Au, Post", 0, 60));
        List<Match> m = matcher.match(registry, List.of(node(9, 0, 55, "Au, Post", null, null)), MatchProgress.NONE);
        assertThat(m).singleElement().satisfies(x -> {
            assertThat(x.atlasId()).as("the nearer of two equal names").isEqualTo("ch:1:sloid:2");
            assertThat(x.method()).isEqualTo(Match.Method.NAME);
        });
        // the name radius (150 m) is wider than the radius; beyond it nothing matches by name
        assertThat(matcher.match(registry.subList(0, 1), List.of(node(9, 0, 151, "Au, Post", null, null)),
                MatchProgress.NONE)).isEmpty();
    }

    @Test
    void nearestOnlyWithinTheRadiusAndOneToOne() {
        List<RegistryStop> registry = List.of(stop("ch:1:sloid:1", null, null, 0, 0),
                stop("ch:1:sloid:2", null, null, 0, 30));
        List<Match> m = matcher.match(registry, List.of(node(1, 0, 20, null, null, null),
                node(2, 0, 95, null, null, null)), MatchProgress.NONE);
        assertThat(m).singleElement().satisfies(x -> {
            assertThat(x.atlasId()).as("node 1 is 10 m from stop 2, 20 m from stop 1").isEqualTo("ch:1:sloid:2");
            assertThat(x.osmId()).isEqualTo(1);
            assertThat(x.method()).isEqualTo(Match.Method.NEAREST);
            assertThat(x.distanceMetres()).isCloseTo(10, within(0.01));
        });
        assertThat(matcher.match(registry.subList(0, 1), List.of(node(3, 0, 50.5, null, null, null)),
                MatchProgress.NONE)).isEmpty();
        assertThat(matcher.match(registry.subList(0, 1), List.of(node(3, 49.5, 0, null, null, null)),
                MatchProgress.NONE)).hasSize(1);
    }

    @Test
    void nearestSkipsANodeWhoseNameClearlyDiffersAndNeverReusesAMatchedNode() {
        List<RegistryStop> registry = List.of(stop("ch:1:sloid:1", "8500001", "Au, Post", 0, 0),
                stop("ch:1:sloid:2", null, "Au, Kirche", 0, 10));
        List<Match> m = matcher.match(registry, List.of(node(1, 0, 5, null, "8500001", null),
                node(2, 0, 12, "Au, Sportplatz", null, null)), MatchProgress.NONE);
        assertThat(m).extracting(Match::osmId).containsExactly(1L);
    }

    @Test
    void progressIsMonotoneEndsAtTotalAndMayAbort() {
        List<RegistryStop> registry = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            registry.add(stop("ch:1:sloid:" + i, null, null, i * 200, 0));
        }
        List<long[]> calls = new ArrayList<>();
        matcher.match(registry, List.of(), (done, total) -> calls.add(new long[] {done, total}));
        assertThat(calls).hasSizeBetween(10, 11);
        for (int i = 1; i < calls.size(); i++) {
            assertThat(calls.get(i)[0]).isGreaterThan(calls.get(i - 1)[0]);
        }
        assertThat(calls.get(calls.size() - 1)).containsExactly(10, 10);
        assertThatThrownBy(() -> matcher.match(registry, List.of(), (done, total) -> {
            if (done == 3) {
                throw new IllegalStateException("cancelled");
            }
        })).hasMessage("cancelled");
    }

    @Test
    void theScanningBaselinesAndTheReferenceStageAgreeWithTheIndexedMatcher(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) {
        StopsGenerator.Summary data = StopsGenerator.generate(dir, 1500, 11);
        List<RegistryStop> registry = RegistryCsv.read(data.registryFile(), "registry.csv");
        List<OsmStop> osm = OsmJson.read(data.osmFile(), "osm.json");
        List<Match> indexed = new StopMatcher(50).match(registry, osm, MatchProgress.NONE);

        assertThat(indexed).extracting(Match::method).contains(Match.Method.NAME, Match.Method.NEAREST);
        assertThat(StopMatcher.fullScan(50, true).match(registry, osm, MatchProgress.NONE)).isEqualTo(indexed);
        assertThat(StopMatcher.fullScan(50, false).match(registry, osm, MatchProgress.NONE)).isEqualTo(indexed);
        assertThat(new StopMatcher(50).matchByReference(registry, osm))
                .isEqualTo(indexed.stream().filter(m -> m.method() == Match.Method.REFERENCE).toList());
    }
}
