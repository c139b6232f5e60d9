package dev.pipelinesdk.examples.stops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StopsGeneratorTest {

    @TempDir
    Path dir;

    @Test
    void sameSizeAndSeedGiveByteIdenticalFilesAndAnotherSeedDiffers() throws IOException {
        StopsGenerator.Summary a = StopsGenerator.generate(dir.resolve("a"), 3000, 42);
        StopsGenerator.Summary b = StopsGenerator.generate(dir.resolve("b"), 3000, 42);
        StopsGenerator.Summary c = StopsGenerator.generate(dir.resolve("c"), 3000, 43);
        for (String name : List.of(StopsGenerator.REGISTRY_FILE, StopsGenerator.OSM_FILE, StopsGenerator.TRUTH_FILE)) {
            assertThat(Files.readAllBytes(dir.resolve("a").resolve(name)))
                    .as(name).isEqualTo(Files.readAllBytes(dir.resolve("b").resolve(name)));
            assertThat(Files.readAllBytes(dir.resolve("a").resolve(name)))
                    .as(name).isNotEqualTo(Files.readAllBytes(dir.resolve("c").resolve(name)));
        }
        assertThat(a).usingRecursiveComparison().ignoringFields("registryFile", "osmFile", "truthFile").isEqualTo(b);
    }

    @Test
    void filesHoldTheAdvertisedMess() {
        StopsGenerator.Summary s = StopsGenerator.generate(dir, 4000, 5, 2000);
        List<RegistryStop> registry = RegistryCsv.read(s.registryFile(), "registry.csv");
        List<OsmStop> osm = OsmJson.read(s.osmFile(), "osm.json");
        GroundTruth truth = GroundTruth.read(s.truthFile());
        assertThat(registry).hasSize(4000);
        assertThat(s.extraOsmNodes()).isEqualTo(2000);
        assertThat(osm).hasSize(s.osmNodes()).hasSize(s.truthPairs() - duplicatesWithNode(truth) + 2000);
        assertThat(truth.counterparts()).hasSize(4000);
        assertThat(registry).allSatisfy(r -> {
            if (r.hasCoordinates()) {
                assertThat(r.lat()).isBetween(45.82, 47.81);
                assertThat(r.lon()).isBetween(5.96, 10.49);
            }
        });
        assertThat(registry).filteredOn(r -> !r.hasCoordinates()).isNotEmpty();
        assertThat(registry).filteredOn(r -> r.number() == null).isNotEmpty();
        assertThat(registry.stream().filter(r -> r.number() != null).map(RegistryStop::number).distinct().count())
                .as("some numbers are shared by duplicates").isLessThan(registry.stream().filter(r -> r.number() != null).count());
        assertThat(osm).filteredOn(o -> o.ifoptRef() != null && o.ifoptRef().split(":").length == 6).isNotEmpty();
        assertThat(osm).filteredOn(o -> o.uicRef() == null && o.ifoptRef() == null).hasSizeGreaterThan(osm.size() / 3);
        assertThat(osm).filteredOn(o -> o.name() == null).isNotEmpty();
        assertThat(truth.counterparts().values()).containsNull();
    }

    private static int duplicatesWithNode(GroundTruth truth) {
        return (int) (truth.pairs() - truth.counterparts().values().stream().filter(v -> v != null).distinct().count());
    }
}
