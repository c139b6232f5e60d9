package dev.pipelinesdk.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies what is written to {@code System.err} (where slf4j-simple logs in tests) while open, so
 * that a test can check its log lines. Output still reaches the original stream.
 */
public final class StderrCapture implements AutoCloseable {

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    /** Starts copying. */
    public StderrCapture() {
        OutputStream tee = new OutputStream() {
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
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    /** @return everything written so far */
    public String text() {
        synchronized (copy) {
            return copy.toString(StandardCharsets.UTF_8);
        }
    }

    /**
     * @param needle a piece of text
     * @return how often it was written so far
     */
    public long count(String needle) {
        String t = text();
        long n = 0;
        for (int at = t.indexOf(needle); at >= 0; at = t.indexOf(needle, at + 1)) {
            n++;
        }
        return n;
    }

    /** Stops copying. */
    @Override
    public void close() {
        System.setErr(original);
    }
}
