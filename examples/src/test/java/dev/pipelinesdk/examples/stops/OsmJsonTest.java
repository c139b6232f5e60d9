package dev.pipelinesdk.examples.stops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OsmJsonTest {

    @TempDir
    Path dir;

    private Path file(String content) throws IOException {
        Path f = dir.resolve("osm.json");
        Files.write(f, content.getBytes(StandardCharsets.UTF_8));
        return f;
    }

    @Test
    void readsNodesAndTheirTagsAndSkipsOtherElements() throws IOException {
        Path f = file("""
                {"version":0.6,"generator":"Overpass API","osm3s":{"copyright":"x"},"elements":[
                {"type":"way","id":5,"nodes":[1,2],"tags":{"name":"W"}},
                {"tags":{"name":"Bern, Bahnhof","uic_ref":"8507000","ref:IFOPT":"ch:1:sloid:7000:1:2","bus":"yes"},
                 "lat":46.9488,"lon":7.4391,"id":4711,"type":"node"},
                {"type":"node","id":12,"lat":-1,"lon":180,"tags":{"public_transport":"platform","name":""}},
                {"type":"node","id":13,"lat":0.5,"lon":1e-3},
                {"type":"relation","id":9,"members":[{"type":"node","ref":1}]}
                ]}
                """);
        List<Long> progress = new ArrayList<>();
        List<OsmStop> nodes = OsmJson.read(f, "osm.json", progress::add);
        assertThat(nodes).containsExactly(
                new OsmStop(4711, 46.9488, 7.4391, "Bern, Bahnhof", "8507000", "ch:1:sloid:7000:1:2"),
                new OsmStop(12, -1, 180, null, null, null),
                new OsmStop(13, 0.5, 0.001, null, null, null));
        assertThat(progress).last().isEqualTo(Files.size(f));
    }

    @Test
    void malformedDataNamesSourceLineColumnElementAndNode() throws IOException {
        expect("{\"elements\":[\n{\"type\":\"node\",\"id\":1,\"lat\":1,\"lon\":1},\n"
                        + "{\"type\":\"node\",\"id\":4711,\"lon\":2.0,\"lat\":123.0}]}",
                "line 3, column 42 (element 2, node 4711)",
                "osm.json line 3, column 42 (element 2, node 4711): lat 123.0 is out of range [-90, 90]");
        expect("{\"elements\":[{\"type\":\"node\",\"id\":7,\"lat\":1,\"lon\":-181}]}",
                "line 1, column 50 (element 1, node 7)",
                "osm.json line 1, column 50 (element 1, node 7): lon -181.0 is out of range [-180, 180]");
        expect("{\"elements\":[\n {\"type\":\"node\",\"id\":7,\"lon\":1}]}", "line 2, column 2 (element 1, node 7)",
                "osm.json line 2, column 2 (element 1, node 7): node without lat");
        expect("{\"elements\":[{\"type\":\"node\",\"id\":7,\"lat\":1}]}", "line 1, column 14 (element 1, node 7)",
                "osm.json line 1, column 14 (element 1, node 7): node without lon");
        expect("{\"elements\":[{\"type\":\"node\",\"lat\":1,\"lon\":1}]}", "line 1, column 14 (element 1)",
                "osm.json line 1, column 14 (element 1): node without id");
        expect("{\"elements\":[{\"type\":\"node\",\"id\":7,\"lat\":\"x\",\"lon\":1}]}",
                "line 1, column 42 (element 1, node 7)", "osm.json line 1, column 42 (element 1, node 7): lat is not a number");
        expect("{\"elements\":[\n{\"type\":\"node\",\"id\":1,\"lat\":1,\"lon\":1}\n{\"type\"}]}", "line 3, column 1",
                "osm.json line 3, column 1: invalid JSON: Unexpected character ('{' (code 123)): was expecting comma"
                        + " to separate Array entries");
        expect("{\"elements\":[{\"type\":\"node\",\"id\":1,\"lat\":1,\"lon\":1}", "line 1, column 52", null);
        expect("{\"version\":0.6}", null, "osm.json: no \"elements\" array (not an Overpass JSON result?)");
        expect("[1]", "line 1, column 1", "osm.json line 1, column 1: expected a JSON object at the top level");
        expect("{\"elements\":[{\"type\":\"node\",\"id\":1,\"lat\":1,\"lon\":1},{\"type\":\"node\",\"id\":1,\"lat\":2,"
                + "\"lon\":2}]}", "node 1", "osm.json node 1: duplicate node id (nodes number 1 and 2 in the file)");
    }

    private void expect(String content, String location, String message) throws IOException {
        Path f = file(content);
        assertThatThrownBy(() -> OsmJson.read(f, "osm.json"))
                .isInstanceOfSatisfying(SourceFormatException.class, e -> {
                    if (message != null) {
                        assertThat(e.getMessage()).isEqualTo(message);
                    } else {
                        assertThat(e.getMessage()).startsWith("osm.json " + location + ": invalid JSON: ")
                                .contains("(start marker at line: 1, column: 13)").doesNotContain("Source");
                    }
                    assertThat(e.source()).isEqualTo("osm.json");
                    assertThat(e.location()).isEqualTo(location);
                });
    }
}
