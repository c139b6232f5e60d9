package dev.pipelinesdk.core.scheduling.internal;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;

/**
 * Turns a {@link WallClockRule} into instants of a zone with the DST rules of
 * {@link dev.pipelinesdk.core.scheduling.Schedule}: each local date-time resolves as
 * {@link ZonedDateTime#of} resolves it (a time in a spring-forward gap moves later by the length of
 * the gap; a time that occurs twice in a fall-back overlap takes the earlier offset, so it runs at
 * its first occurrence), and {@link #next} returns the smallest resolved instant strictly after
 * the given one, so successive results strictly increase and a gap time that lands on a time that
 * also exists runs once.
 *
 * <p>Resolution keeps the order of local times everywhere except in a gap: a local time in a gap
 * resolves to the instant of the same time one gap-length later. The search therefore starts at
 * the beginning of a gap when {@code after} lies less than one gap-length past it, and when the
 * first candidate found lies in a gap it is compared with the first candidate after the gap.
 */
public final class WallClock {

    private WallClock() {
    }

    /**
     * @param rule  the local date-times
     * @param zone  the zone they are read in
     * @param after an instant
     * @return the smallest instant strictly after {@code after} at which the rule fires in {@code zone}
     * @throws IllegalStateException if the rule has no date-time within its search bound
     */
    public static Instant next(WallClockRule rule, ZoneId zone, Instant after) {
        ZoneRules rules = zone.getRules();
        LocalDateTime from = LocalDateTime.ofInstant(after, zone);
        ZoneOffsetTransition last = rules.previousTransition(after.plusNanos(1));
        if (last != null && last.isGap() && after.isBefore(last.getInstant().plus(last.getDuration()))) {
            // local times in this gap resolve to instants up to one gap-length past it: look at them too
            from = last.getDateTimeBefore();
        }
        LocalDateTime match = firstResolvingAfter(rule, zone, rule.firstAtOrAfter(from), after);
        Instant at = resolve(match, zone);
        ZoneOffsetTransition transition = rules.getTransition(match);
        if (transition != null && transition.isGap()) {
            // a later local time just after the gap may resolve to an earlier instant than this one
            LocalDateTime afterGap = firstResolvingAfter(rule, zone,
                    rule.firstAtOrAfter(transition.getDateTimeAfter()), after);
            Instant afterGapAt = resolve(afterGap, zone);
            if (afterGapAt.isBefore(at)) {
                at = afterGapAt;
            }
        }
        return at;
    }

    /** The first local date-time of the rule at or after {@code match} that resolves to an instant after {@code after}. */
    private static LocalDateTime firstResolvingAfter(WallClockRule rule, ZoneId zone, LocalDateTime match,
                                                     Instant after) {
        LocalDateTime m = match;
        while (!resolve(m, zone).isAfter(after)) {
            m = rule.firstAtOrAfter(m.plusNanos(1));
        }
        return m;
    }

    /**
     * @param local a local date-time
     * @param zone  a zone
     * @return the instant {@link ZonedDateTime#of(LocalDateTime, ZoneId)} gives
     */
    public static Instant resolve(LocalDateTime local, ZoneId zone) {
        return ZonedDateTime.of(local, zone).toInstant();
    }
}
