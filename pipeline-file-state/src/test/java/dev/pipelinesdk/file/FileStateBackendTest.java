package dev.pipelinesdk.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelinesdk.api.testing.MutableClock;
import dev.pipelinesdk.api.ExportRecord;
import dev.pipelinesdk.api.Lease;
import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.Progress;
import dev.pipelinesdk.api.RunState;
import dev.pipelinesdk.api.StateBackendException;
import dev.pipelinesdk.api.StateCorruptedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour specific to the file backend: layout, permissions, corruption, atomicity, clock, life cycle. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FileStateBackendTest {

    private static final Duration LONG_TTL = Duration.ofMinutes(5);

    @TempDir
    Path tmp;

    private final List<FileStateBackend> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(FileStateBackend::close);
    }

    private FileStateBackend open(Path dir) {
        FileStateBackend b = FileStateBackend.open(dir);
        opened.add(b);
        return b;
    }

    private FileStateBackend open(Path dir, MutableClock clock) {
        FileStateBackend b = FileStateBackend.builder(dir).clock(clock).build();
        opened.add(b);
        return b;
    }

    // ---- construction ------------------------------------------------------------------------

    @Test
    void construction_regularFileInTheWay_failsNamingThePath() throws Exception {
        Path file = Files.writeString(tmp.resolve("state"), "not a directory");

        assertThatThrownBy(() -> FileStateBackend.open(file))
                .isInstanceOf(StateBackendException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not a directory");
    }

    @Test
    void construction_pathUnderARegularFile_failsNamingThePathAndTheBlocker() throws Exception {
        Path file = Files.writeString(tmp.resolve("blocker"), "x");
        Path dir = file.resolve("pipelines").resolve("state");

        assertThatThrownBy(() -> FileStateBackend.open(dir))
                .isInstanceOf(StateBackendException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining(file + " exists and is not a directory");
    }

    @Test
    void construction_createsMissingParents_andDescribesTheDirectory() {
        Path dir = tmp.resolve("a/b/state");

        FileStateBackend backend = open(dir);

        assertThat(dir).isDirectory();
        assertThat(backend.directory()).isEqualTo(dir.toAbsolutePath());
        assertThat(backend.description()).isEqualTo("file:" + dir.toAbsolutePath());
        assertThat(dir.toFile().list()).as("probe file removed").isEmpty();
    }

    @Test
    void builder_rejectsNulls() {
        assertThatThrownBy(() -> FileStateBackend.builder(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("state directory");
        assertThatThrownBy(() -> FileStateBackend.builder(tmp).clock(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("clock");
    }

    // ---- permissions and layout --------------------------------------------------------------

    @Test
    void createdDirectoriesAndFiles_haveNoGroupOrOtherPermissions() throws Exception {
        assertThat(FileSystems.getDefault().supportedFileAttributeViews())
                .as("the file backend's owner-only permissions are a promise for POSIX file systems").contains("posix");
        Path root = tmp.resolve("outer");
        FileStateBackend backend = open(root.resolve("inner/state"));
        Lease lease = backend.tryAcquire("stops", "owner-a", LONG_TTL).orElseThrow();
        backend.publishStatus(PipelineStatus.idle("stops"));
        Instant now = Instant.now();
        backend.putExport("stops", ExportRecord.started("exp-1", now, now.plusSeconds(3600)));

        List<Path> all;
        try (Stream<Path> walk = Files.walk(root)) {
            all = walk.collect(Collectors.toList());
        }
        assertThat(all).extracting(p -> root.relativize(p).toString().replace('\\', '/'))
                .contains("inner", "inner/state", "inner/state/stops", "inner/state/stops/status.json",
                        "inner/state/stops/lock", "inner/state/stops/fence", "inner/state/stops/exports",
                        "inner/state/stops/exports/exp-1.json");
        for (Path p : all) {
            String expected = Files.isDirectory(p) ? "rwx------" : "rw-------";
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).as("%s", p).isEqualTo(expected);
        }
        lease.release();
    }

    @Test
    void lockFile_showsTheHolder_andIsClearedOnRelease() throws Exception {
        FileStateBackend backend = open(tmp);
        Lease lease = backend.tryAcquire("stops", "owner-a", LONG_TTL).orElseThrow();
        Path lock = tmp.resolve("stops/lock");

        assertThat(Files.readString(lock)).contains("owner=owner-a", "fence=" + lease.fencingToken(), "expiresAt=",
                "pid=" + ProcessHandle.current().pid());
        assertThat(Files.readString(tmp.resolve("stops/fence")).strip()).isEqualTo("1");

        lease.release();
        assertThat(Files.readString(lock)).isEmpty();
    }

    // ---- corruption --------------------------------------------------------------------------

    @Test
    void garbageStatus_isReportedWithItsPath_andRepairedByTheNextPublish() throws Exception {
        FileStateBackend backend = open(tmp);
        Path file = tmp.resolve("stops/status.json");
        Files.createDirectories(file.getParent());
        byte[][] unreadable = {
            {0, (byte) 0xff, (byte) 0xfe, 17, '{'},
            "{\"pipeline\":\"stops\",\"state\":\"running\",\"phaseInd".getBytes(StandardCharsets.UTF_8),
            new byte[0],
        };
        for (byte[] bytes : unreadable) {
            Files.write(file, bytes);

            assertThatThrownBy(() -> backend.readStatus("stops"))
                    .isInstanceOf(StateCorruptedException.class)
                    .hasMessageContaining(file.toString())
                    .satisfies(e -> assertThat(((StateCorruptedException) e).location()).isEqualTo(file.toString()));

            PipelineStatus status = PipelineStatus.builder("stops").state(RunState.SUCCEEDED).message("repaired").build();
            backend.publishStatus(status);
            assertThat(backend.readStatus("stops")).contains(status);
        }
    }

    @Test
    void corruptFence_isReportedNamingTheFile_andNoLeaseIsGranted() throws Exception {
        FileStateBackend backend = open(tmp);
        FileStateBackend other = open(tmp);
        Path fence = tmp.resolve("stops/fence");
        Files.createDirectories(fence.getParent());
        Files.writeString(fence, "twelve\n");

        for (FileStateBackend b : List.of(backend, other, backend)) {
            assertThatThrownBy(() -> b.tryAcquire("stops", "owner-a", LONG_TTL))
                    .isInstanceOf(StateCorruptedException.class)
                    .hasMessageContaining(fence.toString())
                    .hasMessageContaining("'twelve'")
                    .satisfies(e -> assertThat(((StateCorruptedException) e).location()).isEqualTo(fence.toString()));
            assertThat(b.currentHolder("stops")).isEmpty();
        }
        assertThat(Files.readString(fence)).as("never reset").isEqualTo("twelve\n");

        Files.writeString(fence, "41\n");
        assertThat(other.tryAcquire("stops", "owner-a", LONG_TTL).orElseThrow().fencingToken()).isEqualTo(42);
    }

    @Test
    void ioFailures_nameTheOperationAndTheFile() throws Exception {
        FileStateBackend backend = open(tmp);
        Path status = tmp.resolve("stops/status.json");
        Files.createDirectories(status.resolve("in-the-way"));

        assertThatThrownBy(() -> backend.readStatus("stops"))
                .isInstanceOf(StateBackendException.class)
                .hasMessageContaining("Cannot read status file " + status);
        assertThatThrownBy(() -> backend.publishStatus(PipelineStatus.idle("stops")))
                .isInstanceOf(StateBackendException.class)
                .hasMessageContaining("Cannot write status file " + status);
        try (Stream<Path> files = Files.list(status.getParent())) {
            assertThat(files).as("temp file removed after the failed rename")
                    .extracting(p -> p.getFileName().toString()).containsExactly("status.json");
        }
    }

    // ---- atomicity ---------------------------------------------------------------------------

    @Test
    void statusReplace_isAtomic_readersNeverSeeAPartialDocument_andNoTempFilesRemain() throws Exception {
        FileStateBackend writer = open(tmp);
        FileStateBackend reader = open(tmp);
        writer.publishStatus(PipelineStatus.idle("stops"));
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        CompletableFuture<Void> readLoop = CompletableFuture.runAsync(() -> {
            while (!done.get()) {
                assertThat(reader.readStatus("stops")).isPresent();
                reads.incrementAndGet();
            }
        });

        String filler = "x".repeat(20_000);
        for (int i = 0; i < 200; i++) {
            writer.publishStatus(PipelineStatus.builder("stops").state(RunState.RUNNING)
                    .message(i + " " + filler.substring(0, (i * 97) % filler.length())).build());
        }
        done.set(true);
        readLoop.get(30, TimeUnit.SECONDS);

        assertThat(reads.get()).isPositive();
        assertThat(writer.readStatus("stops").orElseThrow().message()).startsWith("199 ");
        try (Stream<Path> files = Files.list(tmp.resolve("stops"))) {
            assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly("status.json");
        }
    }

    @Test
    void exportListing_ignoresTempAndForeignFiles() throws Exception {
        FileStateBackend backend = open(tmp);
        Instant now = Instant.now();
        ExportRecord record = ExportRecord.started("exp-1", now, now.plusSeconds(3600)).withProgress(new Progress(1, 2));
        backend.putExport("stops", record);
        Path exports = tmp.resolve("stops/exports");
        Files.writeString(exports.resolve(".exp-2.json.123.tmp"), "{partial");
        Files.writeString(exports.resolve("notes.txt"), "hello");
        Files.createDirectories(exports.resolve("folder.json"));

        assertThat(backend.listExports("stops")).containsExactly(record);
        backend.deleteExport("stops", "exp-1");
        backend.deleteExport("stops", "never-existed");
        assertThat(backend.listExports("stops")).isEmpty();
        assertThat(backend.listExports("unknown")).isEmpty();
    }

    // ---- leases and the injected clock -------------------------------------------------------

    @Test
    void expiredLease_isTakenOverWithinTheInstance_withAHigherFence() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T02:00:00Z"));
        FileStateBackend backend = open(tmp, clock);
        FileStateBackend other = open(tmp, clock);
        Lease first = backend.tryAcquire("stops", "owner-a", Duration.ofHours(1)).orElseThrow();
        assertThat(other.tryAcquire("stops", "owner-b", LONG_TTL)).isEmpty();

        clock.advance(Duration.ofHours(2));

        assertThat(other.currentHolder("stops")).as("the written expiry is respected").isEmpty();
        Lease second = backend.tryAcquire("stops", "owner-b", LONG_TTL).orElseThrow();
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
        assertThat(first.renew()).isFalse();
        first.release();
        assertThat(other.currentHolder("stops")).contains("owner-b");
        assertThat(other.tryAcquire("stops", "owner-c", LONG_TTL)).isEmpty();
    }

    @Test
    void expiredLease_isReleasedByTheHoldingInstanceOnItsNextCall() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T02:00:00Z"));
        FileStateBackend holder = open(tmp, clock);
        FileStateBackend other = open(tmp, clock);
        Lease lease = holder.tryAcquire("stops", "owner-a", Duration.ofHours(1)).orElseThrow();

        clock.advance(Duration.ofHours(1));

        assertThat(holder.currentHolder("stops")).isEmpty();
        assertThat(lease.renew()).isFalse();
        assertThat(other.tryAcquire("stops", "owner-b", LONG_TTL)).isPresent();
    }

    @Test
    void close_releasesHeldLeases_isIdempotent_andRejectsNewLeases() throws Exception {
        FileStateBackend backend = FileStateBackend.open(tmp);
        FileStateBackend other = open(tmp);
        Lease lease = backend.tryAcquire("stops", "owner-a", LONG_TTL).orElseThrow();

        backend.close();
        backend.close();

        assertThat(other.currentHolder("stops")).isEmpty();
        assertThat(other.tryAcquire("stops", "owner-b", LONG_TTL)).isPresent();
        assertThat(lease.renew()).isFalse();
        lease.release();
        assertThat(other.currentHolder("stops")).contains("owner-b");
        assertThatThrownBy(() -> backend.tryAcquire("stops", "owner-c", LONG_TTL))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(tmp.toString());
    }

    @Test
    void readingHolderOfAnUnknownPipeline_createsNothing() {
        FileStateBackend backend = open(tmp);

        assertThat(backend.currentHolder("never-used")).isEmpty();
        assertThat(backend.readStatus("never-used")).isEmpty();

        assertThat(tmp.resolve("never-used")).doesNotExist();
    }
}
