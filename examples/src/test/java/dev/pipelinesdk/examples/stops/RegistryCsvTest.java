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

class RegistryCsvTest {

    @TempDir
    Path dir;

    private Path file(String content) throws IOException {
        Path f = dir.resolve("registry.csv");
        Files.write(f, content.getBytes(StandardCharsets.UTF_8));
        return f;
    }

    @Test
    void readsQuotedFieldsCrlfAnyColumnOrderAndMissingValues() throws IOException {
        Path f = file("\uFEFFstatus;wgs84East;designationOfficial;number;sloid;wgs84North\r\n"
                + "V;7.4391;\"Bern, \"\"Bahnhof\"\"; Nord\";8507000;ch:1:sloid:7000;46.9488\r\n"
                + "V;;\"multi\nline\";;ch:1:sloid:7001;\r\n"
                + "V;-0.5;;8500002;ch:1:sloid:2;-12\r\n\r\n");
        List<Long> progress = new ArrayList<>();
        List<RegistryStop> stops = RegistryCsv.read(f, "registry.csv", progress::add);
        assertThat(stops).hasSize(3);
        assertThat(stops.get(0)).isEqualTo(
                new RegistryStop("ch:1:sloid:7000", "8507000", "Bern, \"Bahnhof\"; Nord", 46.9488, 7.4391, 2));
        assertThat(stops.get(1).number()).isNull();
        assertThat(stops.get(1).name()).isEqualTo("multi\nline");
        assertThat(stops.get(1).lat()).isNaN();
        assertThat(stops.get(1).lon()).isNaN();
        assertThat(stops.get(1).hasCoordinates()).isFalse();
        assertThat(stops.get(2).name()).isNull();
        assertThat(stops.get(2).line()).as("line the row starts on, after a two-line field").isEqualTo(5);
        assertThat(stops.get(2).lon()).isEqualTo(-0.5);
        assertThat(progress).isNotEmpty().last().isEqualTo(Files.size(f));
    }

    @Test
    void readsLfFiles() throws IOException {
        assertThat(RegistryCsv.read(file("sloid;number;designationOfficial;wgs84North;wgs84East\n"
                + "a;1;A;1;2\nb;2;B;3;4"), "x")).extracting(RegistryStop::atlasId).containsExactly("a", "b");
    }

    @Test
    void malformedDataNamesSourceLineAndProblem() throws IOException {
        String h = "sloid;number;designationOfficial;wgs84North;wgs84East\n";
        expect(h + "a;1;A;46;7\nb;2;B;abc;7\n", "line 3", "registry.csv line 3: wgs84North \"abc\" is not a number");
        expect(h + "a;1;A;46;7\nb;2;B;46\n", "line 3", "registry.csv line 3: expected 5 fields, found 4");
        expect(h + "a;1;A;46;7\nb;2;B;46;7;8\n", "line 3", "registry.csv line 3: expected 5 fields, found 6");
        expect(h + "a;1;A;46;7\na;2;B;46;7\n", "line 3", "registry.csv line 3: duplicate sloid \"a\" (first on line 2)");
        expect(h + "a;1;A;91;7\n", "line 2", "registry.csv line 2: wgs84North 91 is out of range [-90, 90]");
        expect(h + "a;1;A;45;-180.5\n", "line 2", "registry.csv line 2: wgs84East -180.5 is out of range [-180, 180]");
        expect(h + "a;1;A;NaN;7\n", "line 2", "registry.csv line 2: wgs84North \"NaN\" is not a number");
        expect(h + ";1;A;45;7\n", "line 2", "registry.csv line 2: sloid is empty");
        expect(h + "a;1;\"A;45;7\n", "line 2", "registry.csv line 2: unterminated quoted field");
        expect(h + "a;1;A\"x;45;7\n", "line 2", "registry.csv line 2: unexpected quote inside unquoted field 3");
        expect("sloid;number;designationOfficial;wgs84North\n", "line 1",
                "registry.csv line 1: missing column wgs84East (required: " + RegistryCsv.REQUIRED_COLUMNS + ")");
        expect("", null, "registry.csv: empty file, expected a header row with " + RegistryCsv.REQUIRED_COLUMNS);
    }

    @Test
    void rejectsBytesThatAreNotUtf8() throws IOException {
        Path f = dir.resolve("bad.csv");
        Files.write(f, new byte[] {'s', 'l', 'o', 'i', 'd', (byte) 0xff, '\n'});
        assertThatThrownBy(() -> RegistryCsv.read(f, "https://example.org/***"))
                .isInstanceOf(SourceFormatException.class).hasMessage("https://example.org/***: not valid UTF-8");
    }

    private void expect(String content, String location, String message) throws IOException {
        Path f = file(content);
        assertThatThrownBy(() -> RegistryCsv.read(f, "registry.csv"))
                .isInstanceOfSatisfying(SourceFormatException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo(message);
                    assertThat(e.source()).isEqualTo("registry.csv");
                    assertThat(e.location()).isEqualTo(location);
                });
    }
}
