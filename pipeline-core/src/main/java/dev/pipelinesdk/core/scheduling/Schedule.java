package dev.pipelinesdk.core.scheduling;

import dev.pipelinesdk.core.scheduling.internal.CronExpression;
import dev.pipelinesdk.core.scheduling.internal.WallClock;
import dev.pipelinesdk.core.scheduling.internal.WallClockRule;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * When a pipeline runs by itself: every fixed interval, daily at fixed local times, or by a cron
 * expression — always in an explicit {@link ZoneId}. Immutable; equal when {@link #key()} is equal.
 *
 * <pre>{@code
 * Schedule.every(Duration.ofHours(24), ZoneId.of("Europe/Zurich"))
 * Schedule.dailyAt(ZoneId.of("Europe/Zurich"), LocalTime.of(2, 30), LocalTime.of(14, 0))
 * Schedule.cron("0 2 * * 1-5", ZoneId.of("Europe/Zurich"))   // 02:00 Monday to Friday
 * }</pre>
 *
 * <h2>Interval</h2>
 * An interval schedule runs at once when first registered, then on a grid {@code due + k * interval}
 * that passes through the instant the last run was due. The arithmetic is exact ({@link Duration})
 * and does not depend on the zone: "every 24 h" runs 23 or 25 local hours apart across a DST change.
 *
 * <h2>Daily times and cron: the clock on the wall</h2>
 * Daily and cron schedules are evaluated in the local time of the zone, then turned into instants
 * as {@link java.time.ZonedDateTime#of(LocalDateTime, ZoneId)} does:
 * <ul>
 *   <li><b>Spring forward.</b> A local time that does not exist that day runs once, at the instant
 *       {@code ZonedDateTime.of} gives: shifted forward by the length of the gap. In
 *       {@code Europe/Zurich} on 2026-03-29 clocks jump from 02:00 to 03:00, so 02:30 runs at 03:30
 *       CEST (01:30 UTC). If that instant is also a time of the schedule (an hourly cron's 02:00 and
 *       03:00 both land on 03:00 CEST), it runs once.</li>
 *   <li><b>Fall back.</b> A local time that occurs twice runs once, at its first occurrence (the
 *       earlier, summer offset). In {@code Europe/Zurich} on 2026-10-25 clocks go back from 03:00
 *       to 02:00, so 02:30 runs at 02:30 CEST (00:30 UTC) and not again at 02:30 CET. An hourly
 *       cron runs at 02:00 CEST and next at 03:00 CET, two hours later.</li>
 *   <li>{@link #next} returns the smallest such instant strictly after the one it is given, so the
 *       instants a schedule produces strictly increase and never repeat.</li>
 * </ul>
 *
 * <h2>Cron</h2>
 * Five fields, {@code minute hour day-of-month month day-of-week}, separated by white space:
 * {@code *}, lists {@code a,b}, ranges {@code a-b}, steps {@code *}{@code /n} and {@code a-b/n},
 * month names {@code JAN}–{@code DEC} and day names {@code SUN}–{@code SAT} (any case),
 * day-of-week 0 and 7 for Sunday, and the macros {@code @hourly @daily @midnight @weekly @monthly
 * @yearly @annually}. When day-of-month and day-of-week are both restricted (neither is written
 * {@code *}), a day matches if either matches, as in classic cron: {@code 0 0 13 * FRI} runs on
 * every 13th and on every Friday. Ranges do not wrap around. An expression that can never fire,
 * such as {@code 0 0 30 2 *}, is rejected.
 */
public abstract class Schedule {

    /** The shortest interval accepted. */
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

    /** The longest interval accepted (8784 hours). */
    public static final Duration MAX_INTERVAL = Duration.ofDays(366);

    private final ZoneId zone;

    private Schedule(ZoneId zone) {
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /**
     * @param interval time between two runs, from {@link #MIN_INTERVAL} to {@link #MAX_INTERVAL}
     * @param zone     the zone the next run is shown in
     * @return a schedule that runs at once, then every {@code interval}
     * @throws IllegalArgumentException if the interval is out of range, naming it
     */
    public static Schedule every(Duration interval, ZoneId zone) {
        Objects.requireNonNull(interval, "interval");
        if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
            throw new IllegalArgumentException("Schedule interval " + interval + " is out of range; expected from "
                    + "1 s to 366 days (PT1S to PT8784H)");
        }
        return new Interval(interval, zone);
    }

    /**
     * @param zone  the zone the times are read in
     * @param times local times of day, at least one, no duplicates, in any order
     * @return a schedule that runs every day at each of the times
     * @throws IllegalArgumentException if no time is given or one is given twice, naming it
     */
    public static Schedule dailyAt(ZoneId zone, LocalTime... times) {
        Objects.requireNonNull(times, "times");
        if (times.length == 0) {
            throw new IllegalArgumentException("Daily schedule has no time of day; expected at least one, e.g. 02:30");
        }
        LocalTime[] sorted = times.clone();
        for (int i = 0; i < sorted.length; i++) {
            Objects.requireNonNull(sorted[i], "times[" + i + "]");
        }
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i].equals(sorted[i - 1])) {
                throw new IllegalArgumentException("Daily schedule has " + sorted[i] + " twice; give each time once");
            }
        }
        return new Daily(List.of(sorted), zone);
    }

    /**
     * @param expression a 5-field cron expression or a macro (see the class description)
     * @param zone       the zone the expression is read in
     * @return a schedule that runs at each local time the expression matches
     * @throws IllegalArgumentException in one line naming the expression, the field, the bad token and
     *                                  what is accepted, e.g. {@code cron "0 25 * * *": hour 25 is out of range 0-23};
     *                                  also when the expression can never fire
     */
    public static Schedule cron(String expression, ZoneId zone) {
        Objects.requireNonNull(expression, "expression");
        return new Cron(CronExpression.parse(expression), zone);
    }

    /** @return the zone the schedule is evaluated and shown in */
    public final ZoneId zone() {
        return zone;
    }

    /**
     * The first instant to run when the pipeline is registered for the first time at {@code now}:
     * for an interval schedule {@code now} itself (it runs at once, then every interval); for daily
     * and cron schedules {@code next(now, now)}.
     *
     * @param now the current instant
     * @return the first instant to run
     */
    public abstract Instant first(Instant now);

    /**
     * The first regular instant strictly after {@code after}. For an interval schedule the grid passes
     * through {@code due}: the result is the smallest {@code due + k * interval}, {@code k >= 1}, that
     * is after {@code after}. Daily and cron schedules ignore {@code due}.
     *
     * @param due   the instant the last run was due (not {@code null}, even where it is ignored)
     * @param after the result is strictly later than this, typically when the last run finished
     * @return the next instant to run
     */
    public abstract Instant next(Instant due, Instant after);

    /**
     * @return human words without the zone, e.g. {@code every 24 h}, {@code every 1 h 30 min},
     *         {@code daily at 02:30 and 14:00}, {@code cron 0 2 * * 1-5}
     */
    public abstract String describe();

    /**
     * @return a canonical string of kind, parameters and zone, e.g. {@code every:PT24H@Europe/Zurich},
     *         {@code daily:02:30,14:00@UTC}, {@code cron:0 2 * * 1-5@Europe/Zurich}; store it to notice
     *         that the configured schedule changed between restarts
     */
    public abstract String key();

    @Override
    public final boolean equals(Object o) {
        return o instanceof Schedule other && key().equals(other.key());
    }

    @Override
    public final int hashCode() {
        return key().hashCode();
    }

    /** @return the description and the zone, e.g. {@code every 24 h (Europe/Zurich)} */
    @Override
    public final String toString() {
        return describe() + " (" + zone.getId() + ")";
    }

    private static final class Interval extends Schedule {
        private final Duration interval;

        Interval(Duration interval, ZoneId zone) {
            super(zone);
            this.interval = interval;
        }

        @Override
        public Instant first(Instant now) {
            return Objects.requireNonNull(now, "now");
        }

        @Override
        public Instant next(Instant due, Instant after) {
            Objects.requireNonNull(due, "due");
            Objects.requireNonNull(after, "after");
            Duration since = Duration.between(due, after);
            long steps = since.isNegative() ? 1 : since.dividedBy(interval) + 1;
            return due.plus(interval.multipliedBy(steps));
        }

        @Override
        public String describe() {
            StringBuilder words = new StringBuilder("every");
            long hours = interval.toHours();
            if (hours > 0) {
                words.append(' ').append(hours).append(" h");
            }
            if (interval.toMinutesPart() > 0) {
                words.append(' ').append(interval.toMinutesPart()).append(" min");
            }
            if (interval.toSecondsPart() > 0 || interval.toNanosPart() > 0) {
                BigDecimal seconds = BigDecimal.valueOf(interval.toSecondsPart())
                        .add(BigDecimal.valueOf(interval.toNanosPart(), 9)).stripTrailingZeros();
                words.append(' ').append(seconds.toPlainString()).append(" s");
            }
            return words.toString();
        }

        @Override
        public String key() {
            return "every:" + interval + "@" + zone().getId();
        }
    }

    /** A schedule of local date-times in its zone (daily, cron): DST handled once, by {@link WallClock}. */
    private abstract static class LocalSchedule extends Schedule {
        private final WallClockRule rule;

        LocalSchedule(ZoneId zone, WallClockRule rule) {
            super(zone);
            this.rule = rule;
        }

        @Override
        public final Instant first(Instant now) {
            Objects.requireNonNull(now, "now");
            return next(now, now);
        }

        @Override
        public final Instant next(Instant due, Instant after) {
            Objects.requireNonNull(due, "due");
            Objects.requireNonNull(after, "after");
            return WallClock.next(rule, zone(), after);
        }
    }

    private static final class Daily extends LocalSchedule {
        private final List<LocalTime> times;

        Daily(List<LocalTime> times, ZoneId zone) {
            super(zone, from -> firstAtOrAfter(times, from));
            this.times = times;
        }

        private static LocalDateTime firstAtOrAfter(List<LocalTime> times, LocalDateTime from) {
            LocalTime time = from.toLocalTime();
            for (LocalTime t : times) {
                if (!t.isBefore(time)) {
                    return from.toLocalDate().atTime(t);
                }
            }
            return from.toLocalDate().plusDays(1).atTime(times.get(0));
        }

        @Override
        public String describe() {
            List<String> words = times.stream().map(LocalTime::toString).toList();
            String last = words.get(words.size() - 1);
            return "daily at " + (words.size() == 1 ? last
                    : String.join(", ", words.subList(0, words.size() - 1)) + " and " + last);
        }

        @Override
        public String key() {
            return "daily:" + times.stream().map(LocalTime::toString).collect(Collectors.joining(","))
                    + "@" + zone().getId();
        }
    }

    private static final class Cron extends LocalSchedule {
        private final CronExpression expression;

        Cron(CronExpression expression, ZoneId zone) {
            super(zone, expression);
            this.expression = expression;
        }

        @Override
        public String describe() {
            return "cron " + expression.text();
        }

        @Override
        public String key() {
            return "cron:" + expression.canonical() + "@" + zone().getId();
        }
    }
}
