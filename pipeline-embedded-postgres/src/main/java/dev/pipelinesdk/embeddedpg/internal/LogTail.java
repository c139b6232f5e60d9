package dev.pipelinesdk.embeddedpg.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The end of a server log, for error messages. Internal: not part of the API. */
public final class LogTail {

    private static final int MAX_CHARS = 4000;

    private LogTail() {
    }

    /**
     * @param log  the log file
     * @return its size, 0 when it does not exist (yet)
     */
    public static long size(Path log) {
        try {
            return Files.exists(log) ? Files.size(log) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * @param log  the log file
     * @param from the offset where the interesting part starts
     * @return at most the last 4000 bytes after {@code from}, or a note why the log is unreadable
     */
    public static String read(Path log, long from) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(Math.min(from, file.length()), file.length() - MAX_CHARS);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }
}
