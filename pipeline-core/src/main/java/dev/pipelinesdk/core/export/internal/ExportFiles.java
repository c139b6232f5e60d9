package dev.pipelinesdk.core.export.internal;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** File names, owner-only files and the write-digest-force-rename sequence of export files. */
public final class ExportFiles {

    /** A file stem: what the file name starts with. */
    public static final Pattern STEM = Pattern.compile("[a-z0-9_-]{1,40}");
    /** An export id as the tracker makes them: 128 random bits in lower-case hex. */
    public static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern FINAL = Pattern.compile("([a-z0-9_-]{1,40})-([0-9a-f]{32})\\.csv");
    private static final Pattern TEMP = Pattern.compile("\\.([a-z0-9_-]{1,40})-([0-9a-f]{32})\\.csv\\.part");
    private static final boolean POSIX = java.nio.file.FileSystems.getDefault().supportedFileAttributeViews()
            .contains("posix");

    private ExportFiles() {
    }

    /** What was written: size, SHA-256 and the rows the job reported. */
    public record Written(long sizeBytes, String sha256, long rows) {
    }

    /** Writes the content; returns the rows written. */
    @FunctionalInterface
    public interface Body {
        /**
         * @param out where to write
         * @return rows written
         * @throws Exception any failure
         */
        long write(OutputStream out) throws Exception;
    }

    /**
     * @param stem the file stem
     * @param id   the export id
     * @return the finished file's name
     */
    public static String fileName(String stem, String id) {
        return stem + "-" + id + ".csv";
    }

    /**
     * @param stem the file stem
     * @param id   the export id
     * @return the name the file has while it is written
     */
    public static String tempName(String stem, String id) {
        return "." + fileName(stem, id) + ".part";
    }

    /**
     * @param name a file name found in the export directory
     * @return the export id it belongs to, when it is a finished or temporary export file's name
     */
    public static Optional<String> idOf(String name) {
        Matcher m = FINAL.matcher(name);
        if (m.matches()) {
            return Optional.of(m.group(2));
        }
        m = TEMP.matcher(name);
        return m.matches() ? Optional.of(m.group(2)) : Optional.empty();
    }

    /**
     * @param name a file name
     * @param id   an export id
     * @return {@code true} when it is the finished file name of that export, for some valid stem
     */
    public static boolean isFileNameOf(String name, String id) {
        Matcher m = FINAL.matcher(name);
        return m.matches() && m.group(2).equals(id);
    }

    /**
     * Creates the directory (owner-only where POSIX permissions exist) unless it exists.
     *
     * @param dir the directory
     * @throws IOException when it cannot be created or is not a directory
     */
    public static void createDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (POSIX) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
    }

    /**
     * Creates {@code temp} (owner-only, failing if it exists), lets {@code body} write to it while
     * counting bytes and computing the SHA-256, then flushes and forces it to disk.
     *
     * @param temp the file to create
     * @param body writes the content
     * @return what was written
     * @throws Exception what {@code body} or the file system threw
     */
    public static Written write(Path temp, Body body) throws Exception {
        FileAttribute<?>[] attrs = POSIX
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        MessageDigest sha = sha256();
        try (FileChannel channel = FileChannel.open(temp, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), attrs)) {
            BufferedOutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            DigestingStream out = new DigestingStream(buffered, sha);
            long rows = body.write(out);
            if (rows < 0) {
                throw new IllegalStateException("the export job returned " + rows + " rows; expected >= 0");
            }
            out.finish();
            channel.force(true);
            return new Written(out.count, HexFormat.of().formatHex(sha.digest()), rows);
        }
    }

    /**
     * Renames the forced temporary file to its final name (atomically where the file system can)
     * and forces the directory entry, best effort.
     *
     * @param temp   the written file
     * @param target its final path, which must not exist
     * @throws IOException when the rename fails
     */
    public static void moveIntoPlace(Path temp, Path target) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target);
        }
        try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every platform can force a directory; the rename itself is done
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** Counts and digests what passes; close only flushes, the channel is closed by its owner. */
    private static final class DigestingStream extends FilterOutputStream {
        private final MessageDigest sha;
        private long count;
        private boolean finished;

        DigestingStream(OutputStream out, MessageDigest sha) {
            super(out);
            this.sha = sha;
        }

        @Override
        public void write(int b) throws IOException {
            check();
            out.write(b);
            sha.update((byte) b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            check();
            out.write(b, off, len);
            sha.update(b, off, len);
            count += len;
        }

        @Override
        public void close() throws IOException {
            flush();
        }

        void finish() throws IOException {
            flush();
            finished = true;
        }

        private void check() throws IOException {
            if (finished) {
                throw new IOException("the export file is already finished; write only while the job runs");
            }
        }
    }
}
