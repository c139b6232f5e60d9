package dev.pipelinesdk.embeddedpg.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;

/** File modes as octal numbers, and deleting a directory tree. Internal: not part of the API. */
public final class FileModes {

    private FileModes() {
    }

    /**
     * @param mode an octal mode such as {@code 0700}
     * @return the permission set of its lower nine bits
     */
    public static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                set.add(bits[i]);
            }
        }
        return set;
    }

    /**
     * @param path a file or directory
     * @param mode its new octal mode
     * @throws IOException when it cannot be changed
     */
    public static void set(Path path, int mode) throws IOException {
        Files.setPosixFilePermissions(path, permissions(mode));
    }

    /**
     * Lets everybody read and traverse a directory (mode 0755), as the server user must for the binaries.
     *
     * @param dir the directory
     * @throws IOException when its mode cannot be changed
     */
    public static void openForOthers(Path dir) throws IOException {
        set(dir, 0755);
    }

    /**
     * Deletes a directory and everything below it; nothing when it does not exist.
     *
     * @param dir the directory
     * @throws IOException when something cannot be deleted
     */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
