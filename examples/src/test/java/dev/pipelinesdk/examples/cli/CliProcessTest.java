package dev.pipelinesdk.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipelinesdk.api.RunOutcome;
import dev.pipelinesdk.api.RunReport;
import dev.pipelinesdk.api.testing.ChildJvm;
import dev.pipelinesdk.core.jdbc.JdbcRunHistory;
import dev.pipelinesdk.examples.pipeline.StopsFixture;
import dev.pipelinesdk.examples.stops.StopsGenerator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line as separate processes on one database and one state directory: a SIGKILL in
 * the middle of the import, two runs at once, a malformed source, and the JSON outputs.
 */
class CliProcessTest {
    private static final Duration BOUND = Duration.ofSeconds(90);
    private static final List<String> JVM = List.of("-Xmx256m");

    @TempDir
    Path cwd;

    private StopsFixture fixture;
    private Path sources;
    private Map<String, String> env;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new StopsFixture();
        sources = StopsFixture.generate(cwd.resolve("sources"));
        env = CliTestSupport.env(fixture.database, sources);
    }

    private CliTestSupport.Result cli(String... args) {
        return CliTestSupport.run(env, cwd, args);
    }

    private ChildJvm child(Class<?> main, String... args) throws Exception {
        return ChildJvm.start(cwd, cwd, env, JVM, main, args);
    }

    @Test
    void aRunKilledDuringTheImportLeavesTheServedDataAndTheNextRunRecovers() throws Exception {
        assertThat(cli("run").code()).isZero();
        String before = StopsFixture.servedDigest(fixture.dataSource);
        StopsGenerator.generate(sources, StopsFixture.STOPS, StopsFixture.SEED + 7); // new data to import

        String killedRun;
        try (ChildJvm holder = child(HookedCli.class, "run")) {
            holder.awaitLine(HookedCli.AT_SWAP, BOUND);
            killedRun = runningRunId();
            // the new rows are copied into staging tables, not yet swapped in
            assertThat(StopsFixture.count(fixture.dataSource,
                    "SELECT count(*) FROM pg_tables WHERE tablename ~ '^stop_matches_f[0-9]+$'")).isEqualTo(1);
            holder.kill();
        }
        assertThat(StopsFixture.servedDigest(fixture.dataSource)).isEqualTo(before);

        CliTestSupport.Result next = cli("run");

        assertThat(next.code()).as("%s", next).isZero();
        assertThat(next.out()).contains("succeeded");
        assertThat(StopsFixture.servedDigest(fixture.dataSource)).isNotEqualTo(before);
        assertThat(StopsFixture.count(fixture.dataSource,
                "SELECT count(*) FROM pg_tables WHERE tablename ~ '^stop_(matches|problems)_f'")).isZero();
        RunReport killed = JdbcRunHistory.create(fixture.dataSource).find(killedRun).orElseThrow();
        assertThat(killed.outcome()).isEqualTo(RunOutcome.ABANDONED);
    }

    @Test
    void aRunKilledInsideTheSwapTransactionLeavesTheServedDataWhole() throws Exception {
        assertThat(cli("run").code()).isZero();
        String before = StopsFixture.servedDigest(fixture.dataSource);
        StopsGenerator.generate(sources, StopsFixture.STOPS, StopsFixture.SEED + 11);
        try (ChildJvm holder = ChildJvm.start(cwd, cwd, env, List.of("-Xmx256m", "-Dhook=commit"), HookedCli.class, "run")) {
            holder.awaitLine(HookedCli.AT_SWAP, BOUND);
            // the renames are done but not committed (a reader would wait for the commit here)
            holder.kill();
        }
        assertThat(StopsFixture.servedDigest(fixture.dataSource)).isEqualTo(before);
        CliTestSupport.Result next = cli("run");
        assertThat(next.code()).as("%s", next).isZero();
        assertThat(StopsFixture.servedDigest(fixture.dataSource)).isNotEqualTo(before);
    }

    @Test
    void sigtermDuringARunCancelsItReleasesTheLeaseAndKeepsTheServedData() throws Exception {
        assertThat(cli("run").code()).isZero();
        String before = StopsFixture.servedDigest(fixture.dataSource);
        StopsGenerator.generate(sources, StopsFixture.STOPS, StopsFixture.SEED + 3);
        String stoppedRun;
        try (ChildJvm run = child(HookedCli.class, "run")) {
            run.awaitLine(HookedCli.AT_SWAP, BOUND);
            stoppedRun = runningRunId();
            run.process().destroy(); // SIGTERM
            assertThat(run.awaitExit(BOUND)).as(run.diagnostics()).isEqualTo(143);
        }
        assertThat(JdbcRunHistory.create(fixture.dataSource).find(stoppedRun).orElseThrow().outcome())
                .isEqualTo(RunOutcome.CANCELLED);
        assertThat(StopsFixture.servedDigest(fixture.dataSource)).isEqualTo(before);
        JsonNode status = new ObjectMapper().readTree(cli("status", "--json").out());
        assertThat(status.get("state").asText()).isEqualTo("cancelled");
        // the lease was released: the next run starts at once and imports the new sources
        CliTestSupport.Result next = cli("run");
        assertThat(next.code()).as("%s", next).isZero();
        assertThat(StopsFixture.servedDigest(fixture.dataSource)).isNotEqualTo(before);
    }

    @Test
    void aSecondRunWhileOneRunsExits75NamingTheHolder() throws Exception {
        try (ChildJvm first = child(HookedCli.class, "run")) {
            first.awaitLine(HookedCli.AT_SWAP, BOUND);
            String holderRun = runningRunId();
            try (ChildJvm second = child(Cli.class, "run")) {
                assertThat(second.awaitExit(BOUND)).as(second.diagnostics()).isEqualTo(ExitCodes.ALREADY_RUNNING);
                assertThat(second.stderr()).contains("stops is already running: run " + holderRun);
            }
            Files.createFile(cwd.resolve(HookedCli.RELEASE));
            assertThat(first.awaitExit(BOUND)).as(first.diagnostics()).isZero();
        }
        // the refused attempt is not a run of its own in the history
        List<RunReport> runs = JdbcRunHistory.create(fixture.dataSource).recent("stops", 10);
        assertThat(runs).extracting(RunReport::outcome).containsExactly(RunOutcome.SUCCEEDED);
    }

    @Test
    void aMalformedRowExits1WithFileAndLineAndKeepsTheServedData() throws Exception {
        assertThat(cli("run").code()).isZero();
        String before = StopsFixture.servedDigest(fixture.dataSource);
        Path registry = sources.resolve("registry.csv");
        List<String> lines = new ArrayList<>(Files.readAllLines(registry, StandardCharsets.UTF_8));
        int north = List.of(lines.get(0).split(";", -1)).indexOf("wgs84North");
        String[] fields = lines.get(41).split(";", -1);
        fields[north] = "north-ish"; // wgs84North of line 42
        lines.set(41, String.join(";", fields));
        Files.write(registry, lines, StandardCharsets.UTF_8);

        try (ChildJvm failing = child(Cli.class, "run")) {
            assertThat(failing.awaitExit(BOUND)).as(failing.diagnostics()).isEqualTo(ExitCodes.RUN_FAILED);
            assertThat(failing.stderr()).contains(registry.toString() + " line 42").contains("north-ish");
        }
        assertThat(StopsFixture.servedDigest(fixture.dataSource)).isEqualTo(before);
    }

    @Test
    void statusHistoryAndJobsPrintJson() throws Exception {
        CliTestSupport.Result run = cli("run", "--trigger", "manual");
        assertThat(run.code()).as("%s", run).isZero();
        ObjectMapper json = new ObjectMapper();

        JsonNode status = json.readTree(cli("status", "--json").out());
        assertThat(status.get("pipeline").asText()).isEqualTo("stops");
        assertThat(status.get("state").asText()).isEqualTo("succeeded");
        assertThat(status.get("trigger").asText()).isEqualTo("manual");
        assertThat(status.get("version").asInt()).isEqualTo(1);

        JsonNode history = json.readTree(cli("history", "--limit", "5", "--json").out());
        assertThat(history.isArray()).isTrue();
        assertThat(history.get(0).get("outcome").asText()).isEqualTo("succeeded");
        assertThat(history.get(0).get("phases")).hasSize(4);
        assertThat(history.get(0).get("phases").get(3).get("counters").get("match_rows").asLong()).isPositive();

        assertThat(json.readTree(cli("jobs", "--json").out()).isArray()).isTrue();
        assertThat(cli("status").out()).startsWith("stops: succeeded");
        assertThat(cli("history").out()).contains("succeeded").contains("manual");
    }

    private String runningRunId() throws Exception {
        CliTestSupport.Result status = cli("status", "--json");
        JsonNode doc = new ObjectMapper().readTree(status.out());
        assertThat(doc.get("state").asText()).as("%s", status).isEqualTo("running");
        return doc.get("runId").asText();
    }
}
