package dev.pipelinesdk.examples.stops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StopFilesTest {

    @TempDir
    Path dir;

    @Test
    void matchesRoundTripWithUnknownDistances() throws IOException {
        List<Match> matches = List.of(new Match("ch:1:sloid:1", 42, 12.345678901234, Match.Method.REFERENCE),
                new Match("ch:1:sloid:2", 43, Double.NaN, Match.Method.REFERENCE),
                new Match("odd,\"id\"", 44, 1e-7, Match.Method.NAME),
                new Match("ch:1:sloid:4", 45, 3.0e6, Match.Method.NEAREST));
        Path f = dir.resolve("out/matches.csv");
        StopFiles.writeMatches(f, matches);
        assertThat(Files.readString(f)).isEqualTo("""
                atlas_id,osm_id,distance_m,method
                ch:1:sloid:1,42,12.345678901234,reference
                ch:1:sloid:2,43,,reference
                \"odd,\"\"id\"\"\",44,0.00000010,name
                ch:1:sloid:4,45,3000000.0,nearest
                """);
        assertThat(StopFiles.readMatches(f)).isEqualTo(matches);
    }

    @Test
    void problemsRoundTripWithQuotesCommasNewlinesAndNulls() {
        List<Problem> problems = List.of(
                new Problem("a", 1L, Problem.Kind.NAME_MISMATCH, "registry name \"A, B\", OSM name \"C\nD\""),
                new Problem(null, 2L, Problem.Kind.UNMATCHED_OSM, ""),
                new Problem("b", null, Problem.Kind.MISSING_DATA, " leading space\r\nand CRLF"),
                new Problem("c", null, Problem.Kind.UNMATCHED_REGISTRY, "plain"));
        Path f = dir.resolve("problems.csv");
        StopFiles.writeProblems(f, problems);
        StopFiles.writeProblems(f, problems);
        assertThat(StopFiles.readProblems(f)).isEqualTo(problems);
        assertThat(dir.toFile().list()).as("no temporary file left").containsExactly("problems.csv");
    }

    @Test
    void readingAForeignFileFailsWithItsNameAndLine() throws IOException {
        Path f = dir.resolve("m.csv");
        Files.writeString(f, "atlas_id,osm_id,distance_m,method\na,x,1,name\n");
        assertThatThrownBy(() -> StopFiles.readMatches(f)).hasMessage("m.csv line 2: osm_id \"x\" is not an integer");
        Files.writeString(f, "atlas_id,osm_id,distance_m,method\na,1,1,fuzzy\n");
        assertThatThrownBy(() -> StopFiles.readMatches(f)).hasMessageStartingWith("m.csv line 2: unknown match method");
        Files.writeString(f, "a,b\n");
        assertThatThrownBy(() -> StopFiles.readProblems(f))
                .hasMessage("m.csv line 1: expected the header " + StopFiles.PROBLEMS_HEADER);
    }
}
