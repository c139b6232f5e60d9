package dev.pipelinesdk.core.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelinesdk.api.ExportRecord;
import dev.pipelinesdk.api.Progress;
import dev.pipelinesdk.api.StateBackend;
import dev.pipelinesdk.api.testing.Await;
import dev.pipelinesdk.api.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Export tracking against a real backend; run with the in-memory and the file backend. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class ExportTrackerContractTest {

    private static final byte[] CSV = "id,name\n1,Bern\n2,Zürich\n3,Genève\n".getBytes(StandardCharsets.UTF_8);
    private static final Duration TTL = Duration.ofHours(1);

    @TempDir
    Path tmp;

    MutableClock clock;
    private StateBackend backend;
    private Path dir;
    private final List<ExportTracker> trackers = new ArrayList<>();
    private final List<CountDownLatch> latches = new ArrayList<>();

    /** @return a fresh backend using this clock for export expiry */
    abstract StateBackend newBackend(Path tmp, Clock clock) throws Exception;

    @BeforeEach
    void open() throws Exception {
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        backend = newBackend(tmp, clock);
        dir = tmp.resolve("exports");
    }

    @AfterEach
    void closeAll() {
        latches.forEach(CountDownLatch::countDown);
        trackers.forEach(ExportTracker::close);
        backend.close();
    }

    private ExportTracker tracker() {
        return track(ExportTracker.builder(backend, "stops", dir).ttl(TTL).clock(clock));
    }

    private ExportTracker track(ExportTracker.Builder b) {
        ExportTracker t = b.build();
        trackers.add(t);
        return t;
    }

    private CountDownLatch latch() {
        CountDownLatch l = new CountDownLatch(1);
        latches.add(l);
        return l;
    }

    /** A job that writes the CSV in two halves with progress in between, waiting for {@code proceed}. */
    private static ExportJob csvJob(CountDownLatch proceed) {
        return (out, progress) -> {
            out.write(CSV, 0, 8);
            progress.progress(1, 3);
            proceed.await();
            out.write(CSV, 8, CSV.length - 8);
            progress.progress(3, 3);
            return 3;
        };
    }

    private ExportRecord await(ExportTracker t, String id, ExportRecord.State state) throws InterruptedException {
        return Await.result(Await.BOUND, "export " + id + " " + state,
                () -> t.find(id).filter(r -> r.state() == state).orElse(null));
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    @Test
    void export_runsThroughRunningProgressCompleted_withCorrectFileMetadata() throws Exception {
        ExportTracker t = tracker();
        CountDownLatch proceed = latch();
        ExportRecord started = t.start("stop_problems", csvJob(proceed));

        assertThat(started.state()).isEqualTo(ExportRecord.State.RUNNING);
        assertThat(started.id()).matches("[0-9a-f]{32}");
        assertThat(started.createdAt()).isEqualTo(clock.instant());
        assertThat(started.expiresAt()).isEqualTo(clock.instant().plus(TTL));
        assertThat(backend.readExport("stops", started.id())).contains(started);

        ExportRecord progressing = Await.result(Await.BOUND, "progress stored",
                () -> t.find(started.id()).filter(r -> r.progress() != null).orElse(null));
        assertThat(progressing.state()).isEqualTo(ExportRecord.State.RUNNING);
        assertThat(progressing.progress()).isEqualTo(new Progress(1, 3));
        assertThat(t.file(started.id())).as("no file while running").isEmpty();

        proceed.countDown();
        ExportRecord done = await(t, started.id(), ExportRecord.State.COMPLETED);
        Path expected = dir.toAbsolutePath().resolve("stop_problems-" + started.id() + ".csv");
        assertThat(done.file()).isEqualTo(new ExportRecord.FileInfo(expected.toString(), CSV.length, sha256(CSV), 3));
        assertThat(done.progress()).isEqualTo(new Progress(3, 3));
        assertThat(done.error()).isNull();
        assertThat(t.file(started.id())).contains(expected);
        assertThat(Files.readAllBytes(expected)).isEqualTo(CSV);
        assertThat(files()).containsExactly(expected.getFileName().toString());
        if (posix()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(expected))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        }
        assertThat(t.runningCount()).isZero();
    }

    @Test
    void failingJob_endsFailed_withOneLineError_andLeavesNoFile() throws Exception {
        ExportTracker t = tracker();
        ExportRecord started = t.start("stop_problems", (out, progress) -> {
            out.write(CSV);
            progress.progress(2, 3);
            throw new IOException("disk full\n\tat the end");
        });
        ExportRecord failed = await(t, started.id(), ExportRecord.State.FAILED);
        assertThat(failed.error()).isEqualTo("IOException: disk full at the end");
        assertThat(failed.file()).isNull();
        assertThat(t.file(started.id())).isEmpty();
        Await.until(() -> t.runningCount() == 0, "job finished");
        assertThat(files()).isEmpty();

        ExportRecord negative = t.start("stop_problems", (out, progress) -> -1);
        assertThat(await(t, negative.id(), ExportRecord.State.FAILED).error()).contains("-1 rows");
        assertThat(files()).isEmpty();
    }

    @Test
    void file_refusesTraversalUnknownUnfinishedAndExpiredIds() throws Exception {
        ExportTracker t = tracker();
        CountDownLatch proceed = latch();
        ExportRecord running = t.start("stop_problems", csvJob(proceed));
        ExportRecord failed = t.start("stop_problems", (out, progress) -> {
            throw new IllegalStateException("no data");
        });
        ExportRecord done = t.start("stop_problems", csvJob(new CountDownLatch(0)));
        await(t, failed.id(), ExportRecord.State.FAILED);
        await(t, done.id(), ExportRecord.State.COMPLETED);
        assertThat(t.file(done.id())).isPresent();

        for (String bad : new String[] {"../../etc/passwd", "..", "", "/etc/passwd", "a/b", "stop_problems-" + done.id() + ".csv",
                "ABC", null}) {
            assertThat(t.file(bad)).as("file(%s)", bad).isEmpty();
            assertThat(t.find(bad)).as("find(%s)", bad).isEmpty();
        }
        assertThat(t.file("0123456789abcdef0123456789abcdef")).as("unknown id").isEmpty();
        assertThat(t.file(running.id())).as("running").isEmpty();
        assertThat(t.file(failed.id())).as("failed").isEmpty();

        clock.advance(TTL.plusSeconds(1));
        assertThat(t.file(done.id())).as("expired").isEmpty();
        assertThat(t.find(done.id())).as("expired").isEmpty();
    }

    @Test
    void aLongExportIsKeptForTheTtlAfterItCompleted() throws Exception {
        ExportTracker t = tracker();
        CountDownLatch proceed = latch();
        ExportRecord slow = t.start("stop_problems", csvJob(proceed));
        clock.advance(TTL.minusSeconds(10)); // most of the ttl passes while it runs
        proceed.countDown();
        ExportRecord done = await(t, slow.id(), ExportRecord.State.COMPLETED);

        assertThat(done.expiresAt()).isEqualTo(clock.instant().plus(TTL));
        clock.advance(Duration.ofSeconds(30)); // past the ttl counted from the start
        assertThat(t.file(slow.id())).as("still downloadable").isPresent();
        clock.advance(TTL);
        assertThat(t.file(slow.id())).as("expired a ttl after completion").isEmpty();
    }

    @Test
    void file_refusesARecordWhosePathWasTamperedWith() throws Exception {
        ExportTracker t = tracker();
        ExportRecord a = t.start("stop_problems", csvJob(new CountDownLatch(0)));
        ExportRecord b = t.start("stop_problems", csvJob(new CountDownLatch(0)));
        ExportRecord done = await(t, a.id(), ExportRecord.State.COMPLETED);
        ExportRecord other = await(t, b.id(), ExportRecord.State.COMPLETED);
        String name = "stop_problems-" + a.id() + ".csv";
        Path outside = Files.createDirectories(tmp.resolve("outside")).resolve(name);
        Files.write(outside, CSV);
        Path link = dir.resolve("linked-" + a.id() + ".csv");
        Files.createSymbolicLink(link, outside);
        ExportRecord.FileInfo info = done.file();

        for (String path : new String[] {outside.toString(), dir.resolve("../outside/" + name).toString(),
                other.file().path(), link.toString(), "/etc/passwd", "relative/" + name, dir.toString()}) {
            backend.putExport("stops", done.completed(new ExportRecord.FileInfo(path, CSV.length, info.sha256(), 3)));
            assertThat(t.file(a.id())).as("record pointing at %s", path).isEmpty();
        }
        backend.putExport("stops", done);
        assertThat(t.file(a.id())).contains(Path.of(info.path()));
    }

    @Test
    void purge_removesExpiredRecordsTheirFilesAndOldOrphans_butNothingElse() throws Exception {
        ExportTracker t = tracker();
        ExportRecord old = await(t, t.start("stop_problems", csvJob(new CountDownLatch(0))).id(),
                ExportRecord.State.COMPLETED);
        Path orphan = dir.resolve("stop_problems-00000000000000000000000000000001.csv");
        Path orphanTemp = dir.resolve(".lines-00000000000000000000000000000002.csv.part");
        Path unrelated = dir.resolve("notes.txt");
        for (Path p : List.of(orphan, orphanTemp, unrelated)) {
            Files.write(p, CSV);
            Files.setLastModifiedTime(p, FileTime.from(clock.instant()));
        }
        assertThat(t.purgeExpired()).as("nothing old yet").isZero();

        clock.advance(TTL.plusMinutes(1));
        ExportRecord fresh = await(t, t.start("stop_problems", csvJob(new CountDownLatch(0))).id(),
                ExportRecord.State.COMPLETED);
        assertThat(t.purgeExpired()).isEqualTo(3);

        assertThat(backend.readExport("stops", old.id())).isEmpty();
        assertThat(Path.of(old.file().path())).doesNotExist();
        assertThat(orphan).doesNotExist();
        assertThat(orphanTemp).doesNotExist();
        assertThat(unrelated).exists();
        assertThat(t.file(fresh.id())).isPresent();
        assertThat(t.purgeExpired()).isZero();
    }

    @Test
    void purge_byAnotherTracker_removesFilesOfRecordsThatExpired() throws Exception {
        ExportTracker writer = tracker();
        ExportRecord done = await(writer, writer.start("stop_problems", csvJob(new CountDownLatch(0))).id(),
                ExportRecord.State.COMPLETED);
        Files.setLastModifiedTime(Path.of(done.file().path()), FileTime.from(clock.instant()));
        ExportTracker other = tracker();
        clock.advance(TTL.plusMinutes(1));
        assertThat(other.purgeExpired()).isEqualTo(1);
        assertThat(Path.of(done.file().path())).doesNotExist();
        assertThat(backend.listExports("stops")).isEmpty();
    }

    @Test
    void start_refusesMoreThanMaxRunning_andBadStems() throws Exception {
        ExportTracker t = track(ExportTracker.builder(backend, "stops", dir).clock(clock).threads(1).maxRunning(2));
        CountDownLatch proceed = latch();
        ExportRecord first = t.start("a", csvJob(proceed));
        ExportRecord second = t.start("b", csvJob(proceed)); // waits for the one thread
        assertThatThrownBy(() -> t.start("c", csvJob(proceed))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'stops'").hasMessageContaining("at most 2");
        assertThat(backend.listExports("stops")).hasSize(2);

        proceed.countDown();
        await(t, first.id(), ExportRecord.State.COMPLETED);
        await(t, second.id(), ExportRecord.State.COMPLETED);
        Await.until(() -> t.runningCount() == 0, "both finished");
        ExportRecord third = t.start("c", csvJob(proceed));
        await(t, third.id(), ExportRecord.State.COMPLETED);

        for (String stem : new String[] {"../x", "Upper", "", "a.b", "x".repeat(41), null}) {
            assertThatThrownBy(() -> t.start(stem, csvJob(proceed))).as("stem %s", stem)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("file stem");
        }
    }

    @Test
    void close_marksRunningExportsFailed_removesTheirFiles_andRefusesNewOnes() throws Exception {
        ExportTracker t = track(ExportTracker.builder(backend, "stops", dir).clock(clock)
                .closeTimeout(Duration.ofMillis(50)));
        CountDownLatch never = latch();
        ExportRecord running = t.start("stop_problems", csvJob(never));
        Await.until(() -> t.find(running.id()).map(r -> r.progress() != null).orElse(false), "job writing");

        t.close();

        ExportRecord after = backend.readExport("stops", running.id()).orElseThrow();
        assertThat(after.state()).isEqualTo(ExportRecord.State.FAILED);
        assertThat(after.error()).isEqualTo("service stopped");
        Await.until(() -> {
            try {
                return files().isEmpty();
            } catch (IOException e) {
                return false;
            }
        }, "partial file removed");
        assertThatThrownBy(() -> t.start("stop_problems", csvJob(never))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(backend.readExport("stops", running.id()).orElseThrow().error()).isEqualTo("service stopped");
    }

    @Test
    void builder_rejectsBadSettings() {
        ExportTracker.Builder b = ExportTracker.builder(backend, "stops", dir);
        assertThatThrownBy(() -> b.ttl(Duration.ZERO)).hasMessageContaining("ttl").hasMessageContaining("PT0S");
        assertThatThrownBy(() -> b.threads(0)).hasMessageContaining("was 0");
        assertThatThrownBy(() -> b.maxRunning(0)).hasMessageContaining("was 0");
        assertThatThrownBy(() -> ExportTracker.builder(backend, "Bad/Name", dir)).hasMessageContaining("'Bad/Name'");
    }
}
