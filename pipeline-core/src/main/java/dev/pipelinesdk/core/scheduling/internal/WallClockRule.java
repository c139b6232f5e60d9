package dev.pipelinesdk.core.scheduling.internal;

import java.time.LocalDateTime;

/**
 * A set of wall-clock (local) date-times at which a schedule fires, without a zone: "02:30 every
 * day", "minute 0 of every hour on weekdays". {@link WallClock} turns it into instants of a zone.
 */
@FunctionalInterface
public interface WallClockRule {

    /**
     * @param from a local date-time
     * @return the earliest local date-time of this rule at or after {@code from}
     * @throws IllegalStateException if the rule has no date-time within its search bound
     */
    LocalDateTime firstAtOrAfter(LocalDateTime from);
}
