package dev.pipelinesdk.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelinesdk.core.config.ConfigException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SourceUrlTest {
    private static final Path CWD = Path.of("/srv/app");

    @Test
    void showsNoPasswordAndNoQueryValueButKeepsHostAndPath() {
        SourceUrl url = SourceUrl.parse("ATLAS_SOURCE_URL", "https://me:hunter2@data.example/x/stops@2024.csv?token=abc&v=2", CWD);

        assertThat(url.toString()).isEqualTo("https://me:***@data.example/x/stops@2024.csv?token=***&v=***");
        assertThat(url.isHttp()).isTrue();
        assertThat(url.shortName()).isEqualTo("stops@2024.csv");
    }

    @Test
    void theKeyTellsApartUrlsThatLookTheSameMasked() {
        SourceUrl a = SourceUrl.parse("X", "https://data.example/export.csv?token=aaa", CWD);
        SourceUrl b = SourceUrl.parse("X", "https://data.example/export.csv?token=bbb", CWD);

        assertThat(a.toString()).isEqualTo(b.toString());
        assertThat(a.key()).isNotEqualTo(b.key()).hasSize(64);
    }

    @Test
    void fileUrlsResolveRelativePathsAgainstTheWorkingDirectory() {
        assertThat(SourceUrl.parse("X", "file:data/registry.csv", CWD).file()).contains(Path.of("/srv/app/data/registry.csv"));
        assertThat(SourceUrl.parse("X", "file:///tmp/osm.json", CWD).file()).contains(Path.of("/tmp/osm.json"));
        assertThat(SourceUrl.parse("X", "file:/tmp/osm.json", CWD).toString()).isEqualTo("/tmp/osm.json");
    }

    @Test
    void refusesOtherSchemesRemoteFilesAndMissingHostsNamingTheVariable() {
        assertThatThrownBy(() -> SourceUrl.parse("OSM_SOURCE_URL", "ftp://h/x.json", CWD))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("OSM_SOURCE_URL=\"ftp://h/x.json\"");
        assertThatThrownBy(() -> SourceUrl.parse("OSM_SOURCE_URL", "file://server/x.json", CWD))
                .hasMessageContaining("names a remote host");
        assertThatThrownBy(() -> SourceUrl.parse("OSM_SOURCE_URL", "https:///x.json?key=s3cret", CWD))
                .hasMessageContaining("has no host").hasMessageNotContaining("s3cret");
    }
}
