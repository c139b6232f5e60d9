package dev.pipelinesdk.embeddedpg;

import static dev.pipelinesdk.embeddedpg.Sql.execute;
import static dev.pipelinesdk.embeddedpg.Sql.queryLong;
import static dev.pipelinesdk.embeddedpg.Sql.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelinesdk.api.testing.ChildJvm;
import dev.pipelinesdk.embeddedpg.internal.FileModes;
import dev.pipelinesdk.embeddedpg.internal.Postmaster;
import dev.pipelinesdk.embeddedpg.internal.ServerUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server shared by the processes of a host: attach, detach, other JVMs, killed users, stale files. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SharedPostgresTest {

    private static final Duration BOUND = Duration.ofSeconds(60);

    private Path tmp;
    private Path base;

    @BeforeEach
    void createDirectory() throws Exception {
        tmp = TempDirs.create("shared-pg-test-");
        base = tmp.resolve("pipeline-data");
    }

    @AfterEach
    void cleanUp() throws Exception {
        Postmaster.running(cluster()).ifPresent(h -> {
            try {
                Postmaster.killTree(h, Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        TempDirs.delete(tmp);
    }

    @Test
    void twoAttachmentsInOneJvm_shareOneServer_untilTheLastDetaches() throws Exception {
        SharedPostgres.Attachment first = SharedPostgres.attach(base);
        SharedPostgres.Attachment second = SharedPostgres.attach(base);

        assertThat(first.startedHere()).isTrue();
        assertThat(second.startedHere()).isFalse();
        assertThat(second.jdbcUrl()).isEqualTo(first.jdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:")
                .endsWith("/pipeline");
        assertThat(first.user()).isEqualTo("pipeline");
        assertThat(first.password()).hasSizeGreaterThanOrEqualTo(24);
        assertThat(queryString(first.dataSource(), "SELECT current_user || ' ' || current_database()"))
                .isEqualTo("pipeline pipeline");
        assertThatThrownBy(() -> queryLong(Sql.dataSource(first.jdbcUrl(), "pipeline", "wrong"), "SELECT 1"))
                .hasMessageContaining("password authentication failed");
        assertThat(first.toString()).doesNotContain(first.password());

        assertThat(mode(base.resolve("postgres.json"))).isEqualTo("rw-------");
        assertThat(mode(base.resolve("postgres.log"))).isEqualTo("rw-------");
        assertThat(mode(base.resolve("postgres.lock"))).isEqualTo("rw-------");
        assertThat(mode(base.resolve("postgres.users"))).isEqualTo("rw-------");
        assertThat(mode(cluster())).isEqualTo("rwx------");
        assertThat(mode(base)).as("others cannot list the base directory; nobody may traverse it when root")
                .isEqualTo(ServerUser.isRoot() ? "rwx--x--x" : "rwx------");
        assertThat(Files.readString(base.resolve("postgres.json"))).contains("\"password\": \"" + first.password());

        first.close();
        first.close(); // idempotent
        assertThat(queryLong(second.dataSource(), "SELECT 1")).as("still running for the second").isEqualTo(1);

        long postmaster = Postmaster.pidOf(cluster()).orElseThrow();
        second.close();
        assertThat(Postmaster.isAlive(postmaster)).as("stopped by the last detach").isFalse();
        assertThat(cluster().resolve("postmaster.pid")).as("a clean shutdown").doesNotExist();
    }

    @Test
    void anotherJvm_sharesTheServer_whichOutlivesTheJvmThatStartedIt() throws Exception {
        Path go = tmp.resolve("go");
        try (ChildJvm child = ChildJvm.start(tmp, List.of(), AttachMain.class, base.toString(), go.toString())) {
            String attached = child.awaitLine("ATTACHED ", BOUND);
            child.awaitLine("READY", BOUND);
            assertThat(attached).endsWith(" true");

            try (SharedPostgres.Attachment here = SharedPostgres.attach(base)) {
                assertThat(here.startedHere()).isFalse();
                assertThat(attached).isEqualTo("ATTACHED " + here.jdbcUrl() + " true");
                long postmaster = Postmaster.pidOf(cluster()).orElseThrow();
                assertThat(ProcessHandle.of(postmaster).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
                        .as("the server is no process of this JVM").isNotEqualTo(ProcessHandle.current().pid());
                assertThat(sessionOf(postmaster)).as("a session of its own: no Ctrl-C from a terminal")
                        .isEqualTo(postmaster).isNotEqualTo(sessionOf(ProcessHandle.current().pid()));
                execute(here.dataSource(), "CREATE TABLE t (id int); INSERT INTO t VALUES (7)");

                Files.createFile(go);
                child.awaitLine("DETACHED", BOUND);
                assertThat(child.awaitExit(BOUND)).as("exit code%s", child.diagnostics()).isZero();

                assertThat(queryLong(here.dataSource(), "SELECT id FROM t")).as("runs on after the starter left")
                        .isEqualTo(7);
                assertThat(Postmaster.isAlive(postmaster)).isTrue();
            }
            assertThat(Postmaster.running(cluster())).as("stopped by the last detach").isEmpty();
        }
    }

    @Test
    void jvmsAttachingAtOnce_startOneServer() throws Exception {
        Path start = tmp.resolve("start");
        Path go = tmp.resolve("go");
        try (ChildJvm a = ChildJvm.start(tmp, List.of(), AttachMain.class, base.toString(), go.toString(),
                start.toString());
                ChildJvm b = ChildJvm.start(tmp, List.of(), AttachMain.class, base.toString(), go.toString(),
                        start.toString())) {
            a.awaitLine("READY", BOUND);
            b.awaitLine("READY", BOUND);
            Files.createFile(start);

            String attachedA = a.awaitLine("ATTACHED ", BOUND);
            String attachedB = b.awaitLine("ATTACHED ", BOUND);
            assertThat(attachedA.split(" ")[1]).isEqualTo(attachedB.split(" ")[1]);
            assertThat(List.of(attachedA.split(" ")[2], attachedB.split(" ")[2])).as("exactly one started it")
                    .containsExactlyInAnyOrder("true", "false");
            a.awaitLine("READY", BOUND);
            b.awaitLine("READY", BOUND);

            Files.createFile(go);
            assertThat(a.awaitExit(BOUND)).as("exit code%s", a.diagnostics()).isZero();
            assertThat(b.awaitExit(BOUND)).as("exit code%s", b.diagnostics()).isZero();
            assertThat(Postmaster.running(cluster())).as("stopped by the last one").isEmpty();
        }
    }

    @Test
    void killedUser_leavesTheServerRunning_andTheNextAttachReusesIt() throws Exception {
        String url;
        try (ChildJvm child = ChildJvm.start(tmp, List.of(), AttachMain.class, base.toString(),
                tmp.resolve("never").toString())) {
            url = child.awaitLine("ATTACHED ", BOUND).split(" ")[1];
            child.awaitLine("READY", BOUND);
            child.kill();
        }
        long postmaster = Postmaster.pidOf(cluster()).orElseThrow();
        assertThat(Postmaster.isAlive(postmaster)).as("the server outlives its killed user").isTrue();

        try (SharedPostgres.Attachment next = SharedPostgres.attach(base)) {
            assertThat(next.startedHere()).isFalse();
            assertThat(next.jdbcUrl()).isEqualTo(url);
            assertThat(queryLong(next.dataSource(), "SELECT 1")).isEqualTo(1);
        }
        assertThat(Postmaster.isAlive(postmaster)).as("the last one stops it").isFalse();
    }

    @Test
    void dataPersist_acrossStops_andAStaleConnectionFileStartsANewServer() throws Exception {
        try (SharedPostgres.Attachment a = SharedPostgres.attach(base)) {
            execute(a.dataSource(), "CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)");
        }
        assertThat(Postmaster.running(cluster())).isEmpty();
        assertThat(base.resolve("postgres.json")).as("kept for the next attach").exists();

        SharedPostgres.Attachment again = SharedPostgres.attach(base);
        assertThat(again.startedHere()).as("postgres.json names a server that is gone").isTrue();
        execute(again.dataSource(), "INSERT INTO kept VALUES (2)");

        // the server crashes under its user: a stale postmaster.pid stays behind
        Postmaster.killTree(Postmaster.running(cluster()).orElseThrow(), Duration.ofSeconds(10));
        assertThat(cluster().resolve("postmaster.pid")).exists();
        try (SharedPostgres.Attachment restarted = SharedPostgres.builder(base).lockTimeout(Duration.ofSeconds(5))
                .attach()) {
            assertThat(restarted.startedHere()).isTrue();
            assertThat(queryLong(restarted.dataSource(), "SELECT sum(id) FROM kept")).isEqualTo(3);
        }
        again.close();
        assertThat(Postmaster.running(cluster())).isEmpty();
    }

    @Test
    void clusterWithoutItsConnectionFile_failsNamingBoth() throws Exception {
        try (SharedPostgres.Attachment a = SharedPostgres.attach(base)) {
            assertThat(a.startedHere()).isTrue();
        }
        Files.delete(base.resolve("postgres.json"));

        assertThatThrownBy(() -> SharedPostgres.attach(base)).isInstanceOf(EmbeddedPostgresException.class)
                .hasMessageContaining("The PostgreSQL cluster " + cluster() + " exists but " + base.resolve("postgres.json"))
                .hasMessageContaining("is missing");
    }

    @Test
    void aDirectoryOthersCannotReach_failsWithTheWayOutAsRoot_andWorksForAnOrdinaryUser() throws Exception {
        Path closed = Files.createDirectory(tmp.resolve("closed"));
        FileModes.set(closed, 0700);

        if (ServerUser.isRoot()) { // the server runs as nobody, who cannot get in
            assertThatThrownBy(() -> SharedPostgres.attach(closed.resolve("pipeline-data")))
                    .isInstanceOf(EmbeddedPostgresException.class)
                    .hasMessageContaining("nobody cannot reach " + closed.resolve("pipeline-data"))
                    .hasMessageContaining(closed + " is not searchable by others")
                    .hasMessageContaining("Set DATABASE_URL");
        } else { // the server runs as this user, who owns the directory
            try (SharedPostgres.Attachment a = SharedPostgres.attach(closed.resolve("pipeline-data"))) {
                assertThat(Sql.queryLong(a.dataSource(), "SELECT 1")).isEqualTo(1);
            }
        }
    }

    private Path cluster() {
        return base.resolve("postgres");
    }

    private static long sessionOf(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]); // state ppid pgrp session
    }

    private static String mode(Path path) throws Exception {
        StringBuilder s = new StringBuilder();
        var perms = Files.getPosixFilePermissions(path);
        PosixFilePermission[] order = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE
        for (int i = 0; i < order.length; i++) {
            s.append(perms.contains(order[i]) ? "rwx".charAt(i % 3) : '-');
        }
        return s.toString();
    }
}
