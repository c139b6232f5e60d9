package dev.pipelinesdk.benchmarks.drill;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the complete lines the workers appended to the drill log since the last call, split into fields. */
final class DrillLogTail {
    private final RandomAccessFile file;
    private final StringBuilder partial = new StringBuilder();

    DrillLogTail(RandomAccessFile file) {
        this.file = file;
    }

    List<String[]> newEvents() throws IOException {
        long length = file.length();
        List<String[]> out = new ArrayList<>();
        if (length <= file.getFilePointer()) {
            return out;
        }
        byte[] bytes = new byte[(int) (length - file.getFilePointer())];
        file.readFully(bytes);
        partial.append(new String(bytes, StandardCharsets.UTF_8));
        int nl;
        while ((nl = partial.indexOf("\n")) >= 0) {
            out.add(partial.substring(0, nl).split(" "));
            partial.delete(0, nl + 1);
        }
        return out;
    }
}
