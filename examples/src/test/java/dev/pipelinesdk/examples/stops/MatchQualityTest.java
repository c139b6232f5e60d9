package dev.pipelinesdk.examples.stops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Generated inputs, read back through the real readers, matched and scored against the generator's truth. */
class MatchQualityTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} stops, seed {1}, {2} extra nodes")
    @CsvSource({"30000, 20260101, -1", "5000, 7, -1", "12000, 99, 60000"})
    void matchingIsPreciseAndFindsNearlyAllPairs(int stops, long seed, int extra) {
        long t0 = System.nanoTime();
        StopsGenerator.Summary summary = extra < 0
                ? StopsGenerator.generate(dir, stops, seed)
                : StopsGenerator.generate(dir, stops, seed, extra);
        long t1 = System.nanoTime();
        List<RegistryStop> registry = RegistryCsv.read(summary.registryFile(), "registry.csv");
        List<OsmStop> osm = OsmJson.read(summary.osmFile(), "osm.json");
        long t2 = System.nanoTime();
        List<Match> matches = new StopMatcher(50).match(registry, osm, MatchProgress.NONE);
        long t3 = System.nanoTime();
        List<Problem> problems = new ProblemFinder(50).find(registry, osm, matches);
        long t4 = System.nanoTime();
        MatchQuality quality = MatchQuality.of(matches, GroundTruth.read(summary.truthFile()));

        System.out.printf("%d stops, %d nodes, seed %d: %s; problem ratio %.3f; generate %d ms, read %d ms,"
                        + " match %d ms, problems %d ms%n", registry.size(), osm.size(), seed, quality,
                ProblemFinder.problemRatio(registry, problems), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000,
                (t3 - t2) / 1_000_000, (t4 - t3) / 1_000_000);
        assertThat(registry).hasSize(stops);
        assertThat(osm).hasSize(summary.osmNodes());
        assertThat(quality.truthPairs()).isEqualTo(summary.truthPairs());
        assertThat(quality.precision()).isGreaterThanOrEqualTo(0.99);
        assertThat(quality.recall()).isGreaterThanOrEqualTo(0.97);
        for (Match.Method method : Match.Method.values()) {
            assertThat(quality.correctByMethod().get(method)).as("correct matches by " + method).isPositive();
        }
    }
}
