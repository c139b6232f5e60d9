package dev.pipelinesdk.core.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Run ids: the UTC second of creation and 48 random bits, e.g. {@code 20261123T020000Z-a1b2c3d4e5f6}. */
public final class RunIds {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private RunIds() {
    }

    /**
     * @param now the time of creation
     * @return a fresh run id
     */
    public static String next(Instant now) {
        byte[] random = new byte[6];
        ThreadLocalRandom.current().nextBytes(random);
        return TIME.format(now) + "-" + HexFormat.of().formatHex(random);
    }
}
