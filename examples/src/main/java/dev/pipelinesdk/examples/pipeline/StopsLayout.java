package dev.pipelinesdk.examples.pipeline;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

/**
 * Where the stops pipeline keeps its files between phases and runs, under the service's data
 * directory (owner-only permissions):
 * <pre>
 * pipeline-data/stops/sources/registry.csv, osm.json, manifest.json   the last downloaded sources
 * pipeline-data/stops/results/matches.csv, problems.csv, sources.json the last computed results
 * pipeline-data/sources/                                                generated sample sources
 * </pre>
 * Every file is replaced atomically (written beside, then renamed), so a killed run leaves either
 * the old or the new file, never half of one. A phase that starts mid-pipeline ({@code from:match},
 * {@code only:import}) reads what the earlier phases left here.
 */
public final class StopsLayout {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path dataDir;

    /** @param dataDir the service's data directory, e.g. {@code ./pipeline-data} */
    public StopsLayout(Path dataDir) {
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
    }

    /** @return the service's data directory */
    public Path dataDir() {
        return dataDir;
    }

    Path sourcesDir() {
        return dataDir.resolve("stops").resolve("sources");
    }

    Path registryFile() {
        return sourcesDir().resolve("registry.csv");
    }

    Path osmFile() {
        return sourcesDir().resolve("osm.json");
    }

    Path sourcesManifest() {
        return sourcesDir().resolve("manifest.json");
    }

    Path resultsDir() {
        return dataDir.resolve("stops").resolve("results");
    }

    Path matchesFile() {
        return resultsDir().resolve("matches.csv");
    }

    Path problemsFile() {
        return resultsDir().resolve("problems.csv");
    }

    Path resultsManifest() {
        return resultsDir().resolve("sources.json");
    }

    /** @return where generated sample sources live: {@code pipeline-data/sources} */
    public Path sampleDir() {
        return dataDir.resolve("sources");
    }

    /**
     * Creates a directory (and its parents) readable by the owner only.
     *
     * @param dir the directory
     * @return the directory
     * @throws IOException when it cannot be created
     */
    static Path privateDirectory(Path dir) throws IOException {
        if (POSIX) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
        return dir;
    }

    /**
     * Writes a file so that readers see the old or the new content, never a part: a temporary file
     * in the same directory, forced to disk, then renamed over the target.
     */
    static void writeAtomically(Path target, byte[] content) throws IOException {
        privateDirectory(target.getParent());
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                out.write(content);
                out.flush();
                ch.force(true);
            }
            replace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Renames {@code from} over {@code to} atomically (same file system). */
    static void replace(Path from, Path to) throws IOException {
        privateDirectory(to.getParent());
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // a different file system (e.g. the run's work directory elsewhere): copy beside, then rename
            Path temp = Files.createTempFile(to.getParent(), "." + to.getFileName(), ".tmp");
            try {
                Files.copy(from, temp, StandardCopyOption.REPLACE_EXISTING);
                try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
                Files.move(temp, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                Files.deleteIfExists(from);
            } finally {
                Files.deleteIfExists(temp);
            }
        }
    }
}
