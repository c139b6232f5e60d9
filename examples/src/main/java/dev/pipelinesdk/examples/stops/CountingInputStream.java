package dev.pipelinesdk.examples.stops;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/** Reports the running total of bytes read to a callback after every read (the readers' and the import's byte progress). */
public final class CountingInputStream extends FilterInputStream {

    private final LongConsumer bytesRead;
    private long count;

    /**
     * @param in        the stream to read
     * @param bytesRead called with the running total after every read that returned bytes
     */
    public CountingInputStream(InputStream in, LongConsumer bytesRead) {
        super(in);
        this.bytesRead = bytesRead;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count++;
            bytesRead.accept(count);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            count += n;
            bytesRead.accept(count);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        if (skipped > 0) {
            count += skipped;
            bytesRead.accept(count);
        }
        return skipped;
    }
}
