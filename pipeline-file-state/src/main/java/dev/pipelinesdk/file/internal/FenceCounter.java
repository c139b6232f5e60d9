package dev.pipelinesdk.file.internal;

import dev.pipelinesdk.api.StateCorruptedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The fence counter of one pipeline: a decimal number in a file, replaced atomically. Called only
 * while the pipeline's OS lock is held, so increments never race. An unreadable counter is never
 * reset: strictly increasing fences matter more than availability. Not part of the public API.
 */
public final class FenceCounter {

    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,19}");
    private static final int SHOWN_CHARS = 40;

    private FenceCounter() {
    }

    /**
     * Reads the counter (0 when the file does not exist), adds one and stores the result durably.
     *
     * @param file the fence file
     * @return the new value, at least 1
     * @throws StateCorruptedException naming the file when it does not hold a non-negative number
     * @throws IOException             when it cannot be read or written
     */
    public static long next(Path file) throws IOException {
        byte[] bytes = SecureFiles.readIfExists(file);
        long current = bytes == null ? 0 : parse(bytes, file);
        if (current == Long.MAX_VALUE) {
            throw new StateCorruptedException(file.toString(), "fence counter is exhausted (" + current + ")", null);
        }
        long next = current + 1;
        SecureFiles.writeAtomically(file, (next + "\n").getBytes(StandardCharsets.US_ASCII));
        return next;
    }

    private static long parse(byte[] bytes, Path file) {
        String text = new String(bytes, StandardCharsets.UTF_8).strip();
        if (NUMBER.matcher(text).matches()) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw corrupted(file, text, e);
            }
        }
        throw corrupted(file, text, null);
    }

    private static StateCorruptedException corrupted(Path file, String text, Throwable cause) {
        return new StateCorruptedException(file.toString(),
                "fence counter is not a non-negative number: " + shown(text)
                        + " (not reset automatically: fix or remove the file once no process uses the pipeline)",
                cause);
    }

    private static String shown(String text) {
        String cut = text.length() > SHOWN_CHARS ? text.substring(0, SHOWN_CHARS) + "..." : text;
        StringBuilder out = new StringBuilder("'");
        cut.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append('\'').toString();
    }
}
