package dev.pipelinesdk.core.internal;

import dev.pipelinesdk.api.PipelineException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A run's private working directory: made on first use (owner-only), deleted when the run ends. */
final class WorkDir {
    private static final Logger log = LoggerFactory.getLogger(WorkDir.class);
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path path;
    private boolean created;

    WorkDir(Path path) {
        this.path = path.toAbsolutePath();
    }

    synchronized Path get() {
        if (!created) {
            try {
                if (POSIX) {
                    Files.createDirectories(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
                } else {
                    Files.createDirectories(path);
                }
            } catch (IOException e) {
                throw new PipelineException("Could not create the run's working directory " + path + ": " + e, e);
            }
            created = true;
        }
        return path;
    }

    synchronized void delete() {
        if (!created) {
            return;
        }
        try {
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    if (exc != null) {
                        throw exc;
                    }
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | UncheckedIOException e) {
            log.warn("Could not delete the working directory {}: {}", path, e.toString());
        }
    }
}
