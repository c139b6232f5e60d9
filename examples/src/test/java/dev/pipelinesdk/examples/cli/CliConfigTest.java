package dev.pipelinesdk.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad environment value and every bad usage: exit 2 with one line naming the problem, before anything starts. */
class CliConfigTest {

    @TempDir
    Path cwd;

    static Stream<Arguments> badEnvironments() {
        return Stream.of(
                Arguments.of(Map.of("PIPELINE_SCHEDULE_INTERVAL_HOURS", "daily"), "PIPELINE_SCHEDULE_INTERVAL_HOURS=\"daily\" is not a number"),
                Arguments.of(Map.of("PIPELINE_SCHEDULE_INTERVAL_HOURS", "0"), "PIPELINE_SCHEDULE_INTERVAL_HOURS=\"0\" is not greater than 0"),
                Arguments.of(Map.of("PIPELINE_SCHEDULE_CRON", "61 * * * *"), "PIPELINE_SCHEDULE_CRON=\"61 * * * *\" is not a valid cron"),
                Arguments.of(Map.of("PIPELINE_SCHEDULE_CRON", "0 2 * * *", "PIPELINE_SCHEDULE_INTERVAL_HOURS", "24"), "are both set"),
                Arguments.of(Map.of("PIPELINE_TIMEZONE", "Mars/Olympus"), "PIPELINE_TIMEZONE=\"Mars/Olympus\" is not a known time zone"),
                Arguments.of(Map.of("PIPELINE_LOG_LEVEL", "LOUD"), "PIPELINE_LOG_LEVEL=\"LOUD\" is not a log level"),
                Arguments.of(Map.of("STATE_BACKEND", "s3"), "STATE_BACKEND=\"s3\" is not a state backend"),
                Arguments.of(Map.of("STATE_BACKEND", "redis"), "REDIS_URL is not set"),
                Arguments.of(Map.of("STATE_BACKEND", "redis", "REDIS_URL", "http://:secret@cache:6379"), "REDIS_URL=\"http://:***@cache:6379\" does not start with redis://"),
                Arguments.of(Map.of("DATABASE_URL", "mysql://u:hunter2@db/x"), "DATABASE_URL="),
                Arguments.of(Map.of("ATLAS_SOURCE_URL", "file:/data/registry.csv"), "OSM_SOURCE_URL"),
                Arguments.of(Map.of("ATLAS_SOURCE_URL", "ftp://host/registry.csv", "OSM_SOURCE_URL", "file:/x.json"), "ATLAS_SOURCE_URL=\"ftp://host/registry.csv\" is not a file:, http: or https: URL"),
                Arguments.of(Map.of("ATLAS_SOURCE_URL", "file:/r.csv", "OSM_SOURCE_URL", "https://user:pw@/x.json"), "OSM_SOURCE_URL=\"https://user:***@/x.json\""),
                Arguments.of(Map.of("STOPS_MATCH_RADIUS_M", "fifty"), "STOPS_MATCH_RADIUS_M=\"fifty\" is not a number"),
                Arguments.of(Map.of("STOPS_MATCH_RADIUS_M", "-5"), "STOPS_MATCH_RADIUS_M=\"-5\" is out of range"),
                Arguments.of(Map.of("STOPS_MAX_PROBLEM_RATIO", "1.5"), "STOPS_MAX_PROBLEM_RATIO=\"1.5\" is out of range"),
                Arguments.of(Map.of("STOPS_MAX_PROBLEM_RATIO", "NaN"), "STOPS_MAX_PROBLEM_RATIO=\"NaN\" is out of range"),
                Arguments.of(Map.of("PIPELINE_HTTP_PORT", "70000"), "PIPELINE_HTTP_PORT=\"70000\" is out of range"),
                Arguments.of(Map.of("PIPELINE_HTTP_PORT", "http"), "PIPELINE_HTTP_PORT=\"http\" is not a whole number"),
                Arguments.of(Map.of("PIPELINE_API_TOKEN", "short-secret"), "PIPELINE_API_TOKEN is 12 characters long"));
    }

    @ParameterizedTest
    @MethodSource("badEnvironments")
    void aBadValueStopsWithExit2AndOneLineNamingIt(Map<String, String> env, String expected) {
        for (String command : new String[] {"scheduler", "run", "status", "history"}) {
            CliTestSupport.Result r = CliTestSupport.run(env, cwd, command);

            assertThat(r.code()).as("%s: %s", command, r).isEqualTo(ExitCodes.USAGE);
            assertThat(r.out()).isEmpty();
            assertThat(r.err().strip()).as("one line").doesNotContain("\n").startsWith("pipeline-example: ").contains(expected);
            assertThat(r.err()).doesNotContain("hunter2").doesNotContain("secret@").doesNotContain("short-secret");
        }
        // nothing was started or written
        assertThat(cwd.resolve("pipeline-data")).doesNotExist();
    }

    static Stream<Arguments> badUsages() {
        return Stream.of(
                Arguments.of(new String[] {"launch"}, "unknown command \"launch\""),
                Arguments.of(new String[] {"run", "--mode", "sideways"}, "run: --mode \"sideways\""),
                Arguments.of(new String[] {"run", "--mode", "only:nope"}, "only:nope"),
                Arguments.of(new String[] {"run", "--trigger", "cron"}, "run: "),
                Arguments.of(new String[] {"trigger", "--mode", "only:imprt"}, "trigger: --mode only:imprt"),
                Arguments.of(new String[] {"run", "--colour"}, "unknown option --colour"),
                Arguments.of(new String[] {"history", "--limit", "0"}, "--limit \"0\" is not a whole number from 1"),
                Arguments.of(new String[] {"status", "--json=yes"}, "--json takes no value"),
                Arguments.of(new String[] {"generate-data", "--stops", "10"}, "--out is required"),
                Arguments.of(new String[] {"generate-data", "--out", "x", "--stops", "ten"}, "--stops \"ten\""));
    }

    @ParameterizedTest
    @MethodSource("badUsages")
    void badUsageStopsWithExit2AndOneLine(String[] args, String expected) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", "jdbc:postgresql://127.0.0.1:1/unused"); // never reached: usage is checked first
        env.put("ATLAS_SOURCE_URL", "file:/nonexistent/registry.csv");
        env.put("OSM_SOURCE_URL", "file:/nonexistent/osm.json");
        CliTestSupport.Result r = CliTestSupport.run(env, cwd, args);

        assertThat(r.code()).as("%s", r).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err().strip()).doesNotContain("\n").contains(expected);
    }

    @Test
    void anUnreachableDatabaseExits69WithTheMaskedUrl() {
        Map<String, String> env = Map.of("DATABASE_URL", "postgres://app:hunter2@127.0.0.1:1/pipeline");
        CliTestSupport.Result r = CliTestSupport.run(env, cwd, "history");

        assertThat(r.code()).as("%s", r).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(r.err().strip()).doesNotContain("\n").contains("Cannot reach DATABASE_URL").doesNotContain("hunter2");
    }

    @Test
    void helpListsTheCommandsAndExitCodes() {
        CliTestSupport.Result r = CliTestSupport.run(Map.of(), cwd, "--help");

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("scheduler", "run [--mode", "generate-data --out DIR --stops N", "75 already running");
    }
}
