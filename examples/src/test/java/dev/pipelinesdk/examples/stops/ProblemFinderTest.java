package dev.pipelinesdk.examples.stops;

import static dev.pipelinesdk.examples.stops.StopMatcherTest.node;
import static dev.pipelinesdk.examples.stops.StopMatcherTest.stop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.pipelinesdk.examples.stops.Problem.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProblemFinderTest {

    private final ProblemFinder finder = new ProblemFinder(50);

    @Test
    void findsEveryKindInAHandMadeCase() {
        List<RegistryStop> registry = List.of(
                stop("ch:1:sloid:1", "8500001", "Bern, Post", 0, 0),                 // far reference, name ok
                stop("ch:1:sloid:2", "8500002", "Bern, Kirche", 1000, 0),            // duplicate with 3
                stop("ch:1:sloid:3", "8500002", "Bern, Kirche", 1010, 0),
                stop("ch:1:sloid:4", "8500004", "Bern, Zytglogge", 2000, 0),         // referenced, names differ
                stop("ch:1:sloid:5", null, "Bern, Bärenpark", 5000, 0),              // unmatched
                new RegistryStop("ch:1:sloid:6", "8500006", null, Double.NaN, Double.NaN, 7)); // missing both
        List<OsmStop> osm = List.of(
                node(11, 0, 300, "Bern Post", "8500001", null),
                node(12, 1005, 0, "Bern, Kirche", "8500002", null),
                node(14, 2000, 10, "Sportplatz Neufeld", "8500004", null),
                node(16, 9000, 0, null, "8500006", null),
                node(99, 7000, 0, "Somewhere", null, null));
        List<Match> matches = new StopMatcher(50).match(registry, osm, MatchProgress.NONE);
        assertThat(matches).extracting(Match::atlasId, Match::osmId).containsExactly(
                tuple("ch:1:sloid:1", 11L), tuple("ch:1:sloid:2", 12L), tuple("ch:1:sloid:3", 12L),
                tuple("ch:1:sloid:4", 14L), tuple("ch:1:sloid:6", 16L));

        List<Problem> problems = finder.find(registry, osm, matches);

        assertThat(problems).extracting(Problem::atlasId, Problem::osmId, Problem::kind).containsExactly(
                tuple("ch:1:sloid:1", 11L, Kind.REFERENCE_FAR),
                tuple("ch:1:sloid:2", 12L, Kind.DUPLICATE_MATCH),
                tuple("ch:1:sloid:3", 12L, Kind.DUPLICATE_MATCH),
                tuple("ch:1:sloid:4", 14L, Kind.NAME_MISMATCH),
                tuple("ch:1:sloid:5", null, Kind.UNMATCHED_REGISTRY),
                tuple("ch:1:sloid:6", null, Kind.MISSING_DATA),
                tuple(null, 16L, Kind.MISSING_DATA),
                tuple(null, 99L, Kind.UNMATCHED_OSM));
        assertThat(problems.get(0).detail()).isEqualTo("matched by reference but 300.0 m apart (radius 50.0 m)");
        assertThat(problems.get(1).detail()).isEqualTo("OSM node 12 is also matched to ch:1:sloid:3");
        assertThat(problems.get(3).detail()).startsWith("registry name \"Bern, Zytglogge\", OSM name \"Sportplatz Neufeld\"");
        assertThat(problems.get(5).detail()).isEqualTo("registry stop without coordinates and name");
        assertThat(finder.find(registry, osm, matches)).as("deterministic").isEqualTo(problems);
    }

    @Test
    void aFarReferenceWithoutCoordinatesIsNotFarButMissingData() {
        RegistryStop s = new RegistryStop("a", "1", "X, Y", Double.NaN, Double.NaN, 2);
        OsmStop n = node(1, 0, 0, "X, Y", "1", null);
        List<Problem> problems = finder.find(List.of(s), List.of(n), List.of(new Match("a", 1, Double.NaN,
                Match.Method.REFERENCE)));
        assertThat(problems).extracting(Problem::kind).containsExactly(Kind.MISSING_DATA);
    }

    @Test
    void rejectsAMatchOfUnknownEntities() {
        assertThatThrownBy(() -> finder.find(List.of(), List.of(), List.of(new Match("a", 1, 1, Match.Method.NAME))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a -> 1");
    }

    @Test
    void ratioCountsDistinctRegistryStopsOnceAndIgnoresOsmOnlyProblems() {
        List<Problem> problems = List.of(
                new Problem("a", 1L, Kind.NAME_MISMATCH, "x"),
                new Problem("a", null, Kind.MISSING_DATA, "x"),
                new Problem(null, 2L, Kind.UNMATCHED_OSM, "x"),
                new Problem(null, 2L, Kind.MISSING_DATA, "x"));
        assertThat(ProblemFinder.problemRatio(4, problems)).isEqualTo(0.25);
        assertThat(ProblemFinder.problemRatio(4, problems.subList(2, 4))).isZero();
        assertThat(ProblemFinder.problemRatio(0, List.of())).isZero();
        assertThat(ProblemFinder.problemRatio(3, List.of())).isZero();
        assertThat(ProblemFinder.problemRatio(List.of(stop("a", null, null, 0, 0)), problems.subList(1, 2)))
                .isEqualTo(1.0);
    }
}
