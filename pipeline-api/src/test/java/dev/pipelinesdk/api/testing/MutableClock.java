package dev.pipelinesdk.api.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A UTC clock that stands still until a test moves it. Thread-safe. Shipped in the test-jar. */
public final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;

    /** @param start the clock's time until it is moved */
    public MutableClock(Instant start) {
        now = new AtomicReference<>(start);
    }

    /** @param d how far to move the clock forward */
    public void advance(Duration d) {
        now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("MutableClock is always UTC");
    }
}
