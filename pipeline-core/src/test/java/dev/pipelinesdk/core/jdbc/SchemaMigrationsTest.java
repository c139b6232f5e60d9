package dev.pipelinesdk.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelinesdk.api.testing.ChildJvm;
import dev.pipelinesdk.core.jdbc.internal.JdbcUrls;
import dev.pipelinesdk.core.testing.PostgresServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/** Schema migrations against a real PostgreSQL: a fresh database per test. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SchemaMigrationsTest {

    private static final List<Integer> ALL_VERSIONS =
            IntStream.rangeClosed(1, SchemaMigrations.LATEST_VERSION).boxed().toList();

    @TempDir
    Path tmp;

    private final PostgresServer.Database db = PostgresServer.shared().newDatabase();
    private final DataSource ds = db.dataSource();

    @Test
    void everyScriptInTheResourceDirectory_isListed_withVersionsOneToN() throws Exception {
        Path dir = Path.of(SchemaMigrations.class.getClassLoader().getResource(SchemaMigrations.RESOURCE_DIRECTORY).toURI());
        List<String> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.map(p -> p.getFileName().toString()).filter(n -> n.matches("V.*__.*\\.sql")).sorted().toList();
        }
        Pattern name = Pattern.compile("V([0-9]+)__.+\\.sql");
        List<Integer> versions = SchemaMigrations.MIGRATIONS.stream().map(n -> {
            Matcher m = name.matcher(n);
            assertThat(m.matches()).as("name %s", n).isTrue();
            return Integer.parseInt(m.group(1));
        }).toList();

        assertThat(SchemaMigrations.MIGRATIONS).containsExactlyInAnyOrderElementsOf(files);
        assertThat(versions).as("listed in order, no gaps").isEqualTo(ALL_VERSIONS);
        assertThat(SchemaMigrations.LATEST_VERSION).isEqualTo(files.size()).isPositive();
        assertThat(SchemaMigrations.load()).extracting(SchemaMigrations.Migration::version).isEqualTo(ALL_VERSIONS);
    }

    @Test
    void freshDatabase_migratesToLatest_thenIsCurrent() throws Exception {
        assertThat(SchemaMigrations.currentVersion(ds)).isZero();

        MigrationResult result = SchemaMigrations.migrate(ds);

        assertThat(result.applied()).isEqualTo(ALL_VERSIONS);
        assertThat(result.changed()).isTrue();
        assertThat(result.currentVersion()).isEqualTo(SchemaMigrations.LATEST_VERSION);
        assertThat(SchemaMigrations.currentVersion(ds)).isEqualTo(SchemaMigrations.LATEST_VERSION);
        SchemaMigrations.requireCurrent(ds);
        assertThat(strings("SELECT description || ' ' || checksum || ' ' || (applied_by IS NOT NULL) FROM "
                + SchemaMigrations.HISTORY_TABLE + " ORDER BY version"))
                .containsExactly("pipeline sdk " + SchemaMigrations.load().get(0).checksum() + " true",
                        "pipeline jobs " + SchemaMigrations.load().get(1).checksum() + " true",
                        "recovered runs " + SchemaMigrations.load().get(2).checksum() + " true");
    }

    @Test
    void createsDbSchedulersTableAsItExpectsIt() throws Exception {
        SchemaMigrations.migrate(ds);

        assertThat(strings("SELECT column_name || ' ' || data_type || ' ' || is_nullable FROM information_schema.columns "
                + "WHERE table_name = 'scheduled_tasks' ORDER BY ordinal_position")).containsExactly(
                "task_name text NO", "task_instance text NO", "task_data bytea YES",
                "execution_time timestamp with time zone NO", "picked boolean NO", "picked_by text YES",
                "last_success timestamp with time zone YES", "last_failure timestamp with time zone YES",
                "consecutive_failures integer YES", "last_heartbeat timestamp with time zone YES",
                "version bigint NO", "priority smallint YES");
        assertThat(strings("SELECT indexdef FROM pg_indexes WHERE tablename = 'scheduled_tasks' ORDER BY indexname"))
                .containsExactlyInAnyOrder(
                        "CREATE INDEX execution_time_idx ON public.scheduled_tasks USING btree (execution_time)",
                        "CREATE INDEX last_heartbeat_idx ON public.scheduled_tasks USING btree (last_heartbeat)",
                        "CREATE INDEX priority_execution_time_idx ON public.scheduled_tasks USING btree (priority DESC, execution_time)",
                        "CREATE UNIQUE INDEX scheduled_tasks_pkey ON public.scheduled_tasks USING btree (task_name, task_instance)");
        assertThat(strings("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"))
                .containsExactly("pipeline_jobs", "pipeline_phase_runs", "pipeline_runs", SchemaMigrations.HISTORY_TABLE,
                        "scheduled_tasks");
    }

    @Test
    void secondMigrate_appliesNothing() {
        SchemaMigrations.migrate(ds);

        MigrationResult again = SchemaMigrations.migrate(ds);

        assertThat(again.applied()).isEmpty();
        assertThat(again.changed()).isFalse();
        assertThat(again.currentVersion()).isEqualTo(SchemaMigrations.LATEST_VERSION);
    }

    @Test
    void twoThreadsMigratingAtOnce_bothSucceed_eachVersionAppliedOnce() throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<MigrationResult>> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                results.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return SchemaMigrations.migrate(db.dataSource());
                }));
            }
            List<MigrationResult> done = new ArrayList<>();
            for (Future<MigrationResult> f : results) {
                done.add(f.get(60, TimeUnit.SECONDS));
            }

            assertThat(done).extracting(MigrationResult::currentVersion).containsOnly(SchemaMigrations.LATEST_VERSION);
            assertThat(done.stream().flatMap(r -> r.applied().stream()).sorted().toList()).isEqualTo(ALL_VERSIONS);
        } finally {
            pool.shutdownNow();
        }
        assertAppliedOnce();
    }

    @Test
    void twoProcessesMigratingAtOnce_bothSucceed_eachVersionAppliedOnce() throws Exception {
        Path go = tmp.resolve("go");
        List<String> jvmArgs = db.password() == null ? List.of()
                : List.of("-D" + MigrateMain.PASSWORD_PROPERTY + "=" + db.password());
        try (ChildJvm a = ChildJvm.start(tmp, jvmArgs, MigrateMain.class, db.jdbcUrl(), db.user(), go.toString());
                ChildJvm b = ChildJvm.start(tmp, jvmArgs, MigrateMain.class, db.jdbcUrl(), db.user(), go.toString())) {
            a.awaitLine("READY", Duration.ofSeconds(60));
            b.awaitLine("READY", Duration.ofSeconds(60));
            Files.createFile(go);

            String resultA = a.awaitLine("RESULT ", Duration.ofSeconds(60));
            String resultB = b.awaitLine("RESULT ", Duration.ofSeconds(60));
            assertThat(a.awaitExit(Duration.ofSeconds(30))).as("exit code%s", a.diagnostics()).isZero();
            assertThat(b.awaitExit(Duration.ofSeconds(30))).as("exit code%s", b.diagnostics()).isZero();

            String all = ALL_VERSIONS.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
            String latest = " " + SchemaMigrations.LATEST_VERSION;
            assertThat(List.of(resultA, resultB)).as("one applied everything, the other nothing")
                    .containsExactlyInAnyOrder("RESULT " + all + latest, "RESULT []" + latest);
        }
        assertAppliedOnce();
    }

    @Test
    void appliedScriptChangedAfterwards_failsNamingTheScript() throws Exception {
        SchemaMigrations.migrate(ds);
        execute("UPDATE " + SchemaMigrations.HISTORY_TABLE + " SET checksum = 'abc123' WHERE version = 1");

        assertThatThrownBy(() -> SchemaMigrations.migrate(ds))
                .isInstanceOf(SchemaMigrationException.class)
                .hasMessageStartingWith("Migration V1__pipeline_sdk.sql was changed after it was applied to " + where())
                .hasMessageContaining("abc123")
                .hasMessageContaining(SchemaMigrations.load().get(0).checksum());
    }

    @Test
    void failingScript_isRolledBack_andNamed() throws Exception {
        execute("CREATE TABLE pipeline_runs (run_id text)"); // in the way of V1

        assertThatThrownBy(() -> SchemaMigrations.migrate(ds))
                .isInstanceOf(SchemaMigrationException.class)
                .hasMessageStartingWith("Migration V1__pipeline_sdk.sql failed on " + where() + " and was rolled back: ")
                .hasMessageContaining("pipeline_runs")
                .hasCauseInstanceOf(SQLException.class);
        assertThat(SchemaMigrations.currentVersion(ds)).isZero();
        assertThat(strings("SELECT to_regclass('scheduled_tasks')::text")).as("rolled back").containsExactly((String) null);
    }

    @Test
    void requireCurrent_onUnmigratedDatabase_namesTheMigrateStep() {
        assertThatThrownBy(() -> SchemaMigrations.requireCurrent(ds))
                .isInstanceOf(SchemaMigrationException.class)
                .hasMessageContaining("database schema is at version 0, this library needs " + SchemaMigrations.LATEST_VERSION
                        + ": run the migrate step (SchemaMigrations.migrate / the example's `migrate` command)")
                .hasMessageEndingWith(" against " + where());
    }

    @Test
    void unreachableDatabase_namesTheUrlWithThePasswordMasked() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        PGSimpleDataSource unreachable = new PGSimpleDataSource();
        unreachable.setURL("jdbc:postgresql://127.0.0.1:" + closedPort + "/app?user=app&password=s3cret-pw");
        unreachable.setConnectTimeout(5);

        for (Runnable call : List.<Runnable>of(() -> SchemaMigrations.migrate(unreachable),
                () -> SchemaMigrations.currentVersion(unreachable), () -> SchemaMigrations.requireCurrent(unreachable))) {
            assertThatThrownBy(call::run)
                    .isInstanceOf(SchemaMigrationException.class)
                    .hasMessageContaining("127.0.0.1:" + closedPort + "/app")
                    .hasMessageContaining("password=***")
                    .hasMessageContaining("refused")
                    .hasMessageNotContaining("s3cret-pw")
                    .hasCauseInstanceOf(SQLException.class);
        }
    }

    private String where() {
        return JdbcUrls.describe(ds);
    }

    private void assertAppliedOnce() throws SQLException {
        assertThat(strings("SELECT version || ':' || count(*) FROM " + SchemaMigrations.HISTORY_TABLE
                + " GROUP BY version ORDER BY version"))
                .isEqualTo(ALL_VERSIONS.stream().map(v -> v + ":1").toList());
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private List<String> strings(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
