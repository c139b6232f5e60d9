package dev.pipelinesdk.file.internal;

import dev.pipelinesdk.api.StateBackendException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * File primitives of the file state backend: owner-only directories and files, atomic replacement
 * (temp file, fsync, atomic rename, directory fsync) and readable failure messages. Not part of the
 * public API.
 */
public final class SecureFiles {

    private static final Logger LOG = LoggerFactory.getLogger(SecureFiles.class);

    /** {@code rwx------}: directories the backend creates. */
    public static final Set<PosixFilePermission> DIRECTORY_PERMISSIONS =
            Set.copyOf(PosixFilePermissions.fromString("rwx------"));
    /** {@code rw-------}: files the backend creates. */
    public static final Set<PosixFilePermission> FILE_PERMISSIONS =
            Set.copyOf(PosixFilePermissions.fromString("rw-------"));

    private static final String TEMP_SUFFIX = ".tmp";

    private SecureFiles() {
    }

    /**
     * @param path any path
     * @return {@code true} when the path's file system supports POSIX permissions
     */
    public static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /**
     * @param path a file about to be created
     * @return the attributes that make it {@code rw-------} (none on non-POSIX file systems)
     */
    public static FileAttribute<?>[] fileAttributes(Path path) {
        return isPosix(path)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_PERMISSIONS)}
                : new FileAttribute<?>[0];
    }

    /**
     * Creates the directory and its missing parents, each {@code rwx------} (set explicitly, so a
     * lax umask does not matter). Existing directories are left as they are.
     *
     * @param dir the directory
     * @throws IOException when a component cannot be created or is not a directory
     */
    public static void createDirectories(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            return;
        }
        Path parent = abs.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        boolean posix = isPosix(abs);
        try {
            if (posix) {
                Files.createDirectory(abs, PosixFilePermissions.asFileAttribute(DIRECTORY_PERMISSIONS));
                Files.setPosixFilePermissions(abs, DIRECTORY_PERMISSIONS);
            } else {
                Files.createDirectory(abs);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(abs)) {
                throw e;
            }
            // made by another process at the same moment: fine
        }
    }

    /**
     * Replaces {@code target} atomically: readers see the old or the new bytes, never a mix, also
     * after a crash. Writes a temp file in the same directory, forces it to disk, renames it over
     * the target ({@code ATOMIC_MOVE}) and then forces the directory (best effort).
     *
     * @param target the file to replace; its directory must exist
     * @param bytes  the new content
     * @throws IOException when the temp file cannot be written or renamed (it is then removed)
     */
    public static void writeAtomically(Path target, byte[] bytes) throws IOException {
        writeAtomically(target, bytes, true);
    }

    /**
     * As {@link #writeAtomically(Path, byte[])}, optionally without the directory fsync: the content
     * is still on disk before the rename and readers still see whole documents, but after a power
     * loss the rename itself may be undone (the previous content comes back). Fine for a document
     * the next write replaces anyway; never for a counter that must not go back.
     *
     * @param target        the file to replace; its directory must exist
     * @param bytes         the new content
     * @param durableRename {@code true} to force the directory after the rename
     * @throws IOException when the temp file cannot be written or renamed (it is then removed)
     */
    public static void writeAtomically(Path target, byte[] bytes, boolean durableRename) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", TEMP_SUFFIX, fileAttributes(dir));
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                writeFully(channel, bytes, 0);
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
        } finally {
            if (!moved) {
                deleteQuietly(temp);
            }
        }
        if (durableRename) {
            forceDirectory(dir);
        }
    }

    /**
     * @param name a file name
     * @return {@code true} for the temp files {@link #writeAtomically} makes (and may leave behind
     *     when the process dies mid-write)
     */
    public static boolean isTempFile(String name) {
        return name.startsWith(".") && name.endsWith(TEMP_SUFFIX);
    }

    /**
     * @param file a file
     * @return its bytes, or {@code null} when it (or its directory) does not exist
     * @throws IOException when it exists but cannot be read
     */
    public static byte[] readIfExists(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Writes all bytes at the given position.
     *
     * @param channel  an open channel
     * @param bytes    what to write
     * @param position where
     * @throws IOException on a write failure
     */
    public static void writeFully(FileChannel channel, byte[] bytes, long position) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long pos = position;
        while (buffer.hasRemaining()) {
            pos += channel.write(buffer, pos);
        }
    }

    /** Forces a directory's entries to disk so a rename survives a crash; best effort. */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            // not supported on every platform and file system; the rename itself already happened
            LOG.debug("Could not fsync directory {}: {}", dir, e.toString());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("Could not delete temp file {}: {}", file, e.toString());
        }
    }

    /**
     * @param operation what was being done, e.g. "write status file"
     * @param path      the file or directory involved
     * @param cause     the failure
     * @return an exception whose message names the operation, the path and the reason
     */
    public static StateBackendException failure(String operation, Path path, IOException cause) {
        return new StateBackendException("Cannot " + operation + " " + path + ": " + reason(cause), cause);
    }

    /**
     * @param e an I/O failure
     * @return a short human-readable reason, naming the file involved
     */
    public static String reason(IOException e) {
        if (e instanceof AccessDeniedException a) {
            return "permission denied (" + a.getFile() + ")";
        }
        if (e instanceof NoSuchFileException n) {
            return "no such file or directory (" + n.getFile() + ")";
        }
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + " already exists and is not a directory";
        }
        if (e instanceof FileSystemException f) {
            String why = f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
            return f.getFile() == null ? why : why + " (" + f.getFile() + ")";
        }
        return e.getMessage() != null ? e.getClass().getSimpleName() + ": " + e.getMessage() : e.getClass().getSimpleName();
    }
}
