package dev.pipelinesdk.benchmarks.lease;

import dev.pipelinesdk.api.Lease;
import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.Progress;
import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.RunState;
import dev.pipelinesdk.api.Trigger;
import dev.pipelinesdk.benchmarks.Benchmark;
import dev.pipelinesdk.benchmarks.Comparison;
import dev.pipelinesdk.benchmarks.Environment;
import dev.pipelinesdk.benchmarks.Figure;
import dev.pipelinesdk.benchmarks.Op;
import dev.pipelinesdk.file.FileStateBackend;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code file-lease}: the file backend's lease cycle and status publish against the same file
 * operations done bare, in the same directory tree.
 */
public final class FileLeaseBenchmark implements Benchmark {

    static final String ID = "file-lease";
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final String PIPELINE = "lease-bench";
    private static final String OWNER = "bench-owner-1";
    private static final int WARMUP = 2;
    private static final int ROUNDS = 10;
    /** Both sides of one round together take about this long. */
    private static final long ROUND_PAIR_NANOS = 400_000_000L;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "File backend: lease cycle and status publish";
    }

    @Override
    public String method() {
        return "Subjects, on a `FileStateBackend` in the run's scratch directory (the file system is named in the"
                + " notes): (1) `tryAcquire(pipeline, owner, 30 s)` + `Lease.release()`; (2) `publishStatus` of a"
                + " running-phase document (~400 bytes of JSON). Baselines, in a sibling directory of the same tree:"
                + " (1) the same file operations done bare: open the lock file, `FileChannel.tryLock()`, write the"
                + " owner line and force it, read the fence counter and replace it through temp file + force +"
                + " rename + directory fsync, release the lock and close (and, to show what durability costs, the"
                + " same without any fsync); (2) write a temp file, `force(true)`, close, `ATOMIC_MOVE` rename over"
                + " the target (the backend renames status documents without a directory fsync: the next publish"
                + " replaces them). Each comparison: " + WARMUP + " warm-up rounds per side,"
                + " then " + ROUNDS + " alternating rounds per side; operations per round are sized from a first"
                + " timing so that a subject and a baseline round together take ~0.4 s. Bounded by fsync latency"
                + " of the disk under the scratch directory (each `force` waits for the device).";
    }

    @Override
    public List<Figure> run(Environment env) throws Exception {
        Path root = env.scratch().resolve("file-lease");
        Path bare = root.resolve("bare");
        Files.createDirectories(bare);
        Path lockFile = bare.resolve("lock");
        Path fenceFile = bare.resolve("fence");
        Path fenceTemp = bare.resolve(".fence.tmp");
        Path statusFile = bare.resolve("status.json");
        Path statusTemp = bare.resolve(".status.json.tmp");
        byte[] ownerLine = ("owner=" + OWNER + "\nfence=1\nexpiresAt=" + Instant.now().plus(TTL) + "\npid="
                + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8);
        PipelineStatus status = status();
        byte[] statusJson = status.toJson();
        String fileSystem = fileSystem(root);

        try (FileStateBackend backend = FileStateBackend.open(root.resolve("state"))) {
            Op libraryLease = () -> {
                Lease lease = backend.tryAcquire(PIPELINE, OWNER, TTL)
                        .orElseThrow(() -> new IllegalStateException("lease of '" + PIPELINE + "' not granted"));
                lease.release();
            };
            Op floorLease = () -> bareLease(lockFile, ownerLine, false);
            Op floorLeaseDurable = () -> {
                bareLease(lockFile, ownerLine, true);
                bareFenceIncrement(fenceFile, fenceTemp, bare);
            };
            Op libraryStatus = () -> backend.publishStatus(status);
            Op floorStatus = () -> bareReplace(statusFile, statusTemp, statusJson, null);

            Comparison lease = compare(libraryLease, floorLease);
            Comparison leaseDurable = compare(libraryLease, floorLeaseDurable);
            Comparison publish = compare(libraryStatus, floorStatus);

            List<Figure> figures = new ArrayList<>();
            figures.add(new Figure(ID, "lease cycle / the same file operations done bare", leaseDurable.ratioText(),
                    "≤ 1.5×", leaseDurable.ratio() <= 1.5,
                    String.format(Locale.ROOT, "%.1f µs vs %.1f µs per cycle on %s; the floor: open + tryLock, the"
                                    + " owner written and forced, the fence counter read and replaced durably (temp +"
                                    + " force + rename + directory fsync), unlock + close: the backend's three fsyncs,"
                                    + " without its lock-I/O thread hand-offs, expiry timer and random temp names; %s",
                            us(leaseDurable.subjectNsPerOp()), us(leaseDurable.baselineNsPerOp()), fileSystem,
                            sample(leaseDurable))));
            figures.add(new Figure(ID, "lease cycle / lock + owner write without any fsync", lease.ratioText(), "", null,
                    String.format(Locale.ROOT, "%.1f µs vs %.1f µs: what the three fsyncs cost on this disk (the fence"
                                    + " must never go back after a crash, so its write stays durable); %s",
                            us(lease.subjectNsPerOp()), us(lease.baselineNsPerOp()), sample(lease))));
            figures.add(new Figure(ID, "status publish / bare temp write + force + rename", publish.ratioText(), "≤ 1.5×",
                    publish.ratio() <= 1.5,
                    String.format(Locale.ROOT, "%.1f µs vs %.1f µs per publish of %d bytes; the backend also encodes the"
                                    + " JSON each time; %s", us(publish.subjectNsPerOp()), us(publish.baselineNsPerOp()),
                            statusJson.length, sample(publish))));
            return figures;
        }
    }

    private static Comparison compare(Op subject, Op baseline) throws Exception {
        long perPair = timeOnce(subject) + timeOnce(baseline);
        int ops = (int) Math.max(10, Math.min(5000, ROUND_PAIR_NANOS / Math.max(1, perPair)));
        return Comparison.of(subject, baseline, WARMUP, ROUNDS, ops);
    }

    /** @return ns of one operation, after three unmeasured ones */
    private static long timeOnce(Op op) throws Exception {
        for (int i = 0; i < 3; i++) {
            op.run();
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            op.run();
            best = Math.min(best, System.nanoTime() - start);
        }
        return best;
    }

    /** Open, lock, write the owner, (force,) unlock, close: what any file lease must do at least. */
    private static void bareLease(Path lockFile, byte[] ownerLine, boolean force) throws IOException {
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                throw new IllegalStateException("bare lock of " + lockFile + " not granted");
            }
            writeFully(ch, ownerLine);
            if (force) {
                ch.force(false);
            }
            lock.release();
        }
    }

    /** Read the counter, add one, replace it durably. */
    private static void bareFenceIncrement(Path fence, Path temp, Path dir) throws IOException {
        long current;
        try {
            current = Long.parseLong(new String(Files.readAllBytes(fence), StandardCharsets.US_ASCII).strip());
        } catch (NoSuchFileException e) {
            current = 0;
        }
        bareReplace(fence, temp, ((current + 1) + "\n").getBytes(StandardCharsets.US_ASCII), dir);
    }

    /** Temp file, force, close, atomic rename, and the directory fsync when {@code dir} is given. */
    private static void bareReplace(Path target, Path temp, byte[] bytes, Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, bytes);
            ch.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        if (dir != null) {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        }
    }

    private static void writeFully(FileChannel ch, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long pos = 0;
        while (buffer.hasRemaining()) {
            pos += ch.write(buffer, pos);
        }
    }

    private static PipelineStatus status() {
        Instant now = Instant.now();
        return PipelineStatus.builder(PIPELINE).runId("20250101T000000Z-0123456789abcdef").state(RunState.RUNNING)
                .trigger(Trigger.MANUAL).mode(RunMode.full()).phase("match").phaseIndex(2).phaseCount(4)
                .message("Matched 12,000 of 50,000 stops").progress(new Progress(12_000, 50_000))
                .startedAt(now.minusSeconds(90)).phaseStartedAt(now.minusSeconds(30)).updatedAt(now)
                .elapsedMs(90_000L).etaMs(125_000L).lastSuccessAt(now.minusSeconds(86_400)).build();
    }

    private static String fileSystem(Path dir) {
        try {
            var store = Files.getFileStore(dir);
            return store.type() + " (" + store.name() + ")";
        } catch (IOException e) {
            return "an unknown file system";
        }
    }

    private static double us(double ns) {
        return ns / 1000.0;
    }

    private static String sample(Comparison c) {
        return c.rounds() + " alternating rounds × " + c.opsPerRound() + " operations per side";
    }
}
