package dev.pipelinesdk.core.status;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Copies {@code System.err} (where slf4j-simple logs in tests) while open; output still reaches the original. */
final class StderrCapture implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    StderrCapture() {
        System.setErr(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (copy) {
                    copy.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (copy) {
                    copy.write(b, off, len);
                }
                original.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8));
    }

    String text() {
        synchronized (copy) {
            return copy.toString(StandardCharsets.UTF_8);
        }
    }

    long count(String needle) {
        String t = text();
        long n = 0;
        for (int at = t.indexOf(needle); at >= 0; at = t.indexOf(needle, at + 1)) {
            n++;
        }
        return n;
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
