package dev.pipelinesdk.core.scheduling;

import static dev.pipelinesdk.core.scheduling.ScheduleTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Daylight saving time: the rules documented on {@link Schedule}. */
class ScheduleDstTest {

    private static final ZoneId ZURICH = ZoneId.of("Europe/Zurich");

    private static Instant at(String iso) {
        return Instant.parse(iso);
    }

    @Test
    void dailyAt0230_springForward_runsOnceAtTheShiftedInstant() {
        Schedule s = Schedule.dailyAt(ZURICH, LocalTime.of(2, 30));

        assertThat(run(s, at("2026-03-27T12:00:00Z"), 3)).containsExactly(
                at("2026-03-28T01:30:00Z"),   // 02:30 CET
                at("2026-03-29T01:30:00Z"),   // 02:30 does not exist: 03:30 CEST
                at("2026-03-30T00:30:00Z"));  // 02:30 CEST
    }

    @Test
    void dailyAt0230_fallBack_runsOnceAtTheFirstOccurrence() {
        Schedule s = Schedule.dailyAt(ZURICH, LocalTime.of(2, 30));

        assertThat(run(s, at("2026-10-23T12:00:00Z"), 3)).containsExactly(
                at("2026-10-24T00:30:00Z"),   // 02:30 CEST
                at("2026-10-25T00:30:00Z"),   // 02:30 happens twice: the first, CEST
                at("2026-10-26T01:30:00Z"));  // 02:30 CET
        assertThat(s.next(at("2026-10-25T00:30:00Z"), at("2026-10-25T01:30:00Z")))
                .as("asked at the second 02:30 (CET): not again that day").isEqualTo(at("2026-10-26T01:30:00Z"));
    }

    @Test
    void cron0230_givesTheSameInstantsAsDailyAt0230() {
        Schedule cron = Schedule.cron("30 2 * * *", ZURICH);

        assertThat(run(cron, at("2026-03-27T12:00:00Z"), 3)).containsExactly(
                at("2026-03-28T01:30:00Z"), at("2026-03-29T01:30:00Z"), at("2026-03-30T00:30:00Z"));
        assertThat(run(cron, at("2026-10-23T12:00:00Z"), 3)).containsExactly(
                at("2026-10-24T00:30:00Z"), at("2026-10-25T00:30:00Z"), at("2026-10-26T01:30:00Z"));
    }

    @Test
    void hourlyCron_springForward_skipsOnlyTheHourThatDoesNotExist() {
        // local 00:00 01:00 CET, [02:00 does not exist: 03:00 CEST, the same instant as 03:00], 03:00 04:00 CEST
        assertThat(run(Schedule.cron("0 * * * *", ZURICH), at("2026-03-28T22:30:00Z"), 5)).containsExactly(
                at("2026-03-28T23:00:00Z"),
                at("2026-03-29T00:00:00Z"),
                at("2026-03-29T01:00:00Z"),
                at("2026-03-29T02:00:00Z"),
                at("2026-03-29T03:00:00Z"));
    }

    @Test
    void hourlyCron_fallBack_runsTheRepeatedHourOnce() {
        // local 01:00 02:00 CEST, [02:00 CET is the repeated hour: not again], 03:00 04:00 CET
        assertThat(run(Schedule.cron("0 * * * *", ZURICH), at("2026-10-24T22:30:00Z"), 4)).containsExactly(
                at("2026-10-24T23:00:00Z"),
                at("2026-10-25T00:00:00Z"),
                at("2026-10-25T02:00:00Z"),
                at("2026-10-25T03:00:00Z"));
    }

    @Test
    void dailyTimesInAndAfterTheGap_runInInstantOrder() {
        // on 29 March 02:30 becomes 03:30 CEST, after 03:15 CEST
        Schedule s = Schedule.dailyAt(ZURICH, LocalTime.of(2, 30), LocalTime.of(3, 15));

        assertThat(run(s, at("2026-03-28T23:00:00Z"), 4)).containsExactly(
                at("2026-03-29T01:15:00Z"),   // 03:15 CEST
                at("2026-03-29T01:30:00Z"),   // 02:30 -> 03:30 CEST
                at("2026-03-30T00:30:00Z"),
                at("2026-03-30T01:15:00Z"));
        assertThat(s.next(at("2026-03-29T01:15:00Z"), at("2026-03-29T01:20:00Z")))
                .as("asked at 03:20 CEST: the shifted 02:30 is still ahead").isEqualTo(at("2026-03-29T01:30:00Z"));
    }

    @Test
    void interval_acrossDst_staysExactlyTheInterval() {
        Schedule s = Schedule.every(Duration.ofHours(1), ZURICH);

        assertThat(run(s, at("2026-10-24T23:00:00Z"), 3)).containsExactly(
                at("2026-10-25T00:00:00Z"), at("2026-10-25T01:00:00Z"), at("2026-10-25T02:00:00Z"));
    }

    /**
     * Against a brute-force oracle: every local minute of six days around a transition that the rule
     * matches, resolved with {@link ZonedDateTime#of}, as a sorted set of distinct instants. The
     * schedule must produce exactly that set, in order, over the middle two days.
     */
    @ParameterizedTest(name = "[{index}] {0} at {1}")
    @MethodSource("transitions")
    void nextAcrossTransitions_equalsEveryResolvedLocalTimeOnceInOrder(String rule, ZonedDateTime transition,
                                                                       Schedule schedule, Predicate<LocalDateTime> matches) {
        ZoneId zone = transition.getZone();
        Instant from = transition.toInstant().minus(Duration.ofDays(1));
        Instant to = transition.toInstant().plus(Duration.ofDays(1));
        TreeSet<Instant> oracle = new TreeSet<>();
        LocalDateTime local = transition.toLocalDateTime().minusDays(3).withSecond(0).withNano(0);
        LocalDateTime end = transition.toLocalDateTime().plusDays(3);
        for (; local.isBefore(end); local = local.plusMinutes(1)) {
            if (matches.test(local)) {
                oracle.add(ZonedDateTime.of(local, zone).toInstant());
            }
        }
        List<Instant> expected = new ArrayList<>(oracle.subSet(from, false, to, true));

        List<Instant> actual = new ArrayList<>();
        for (Instant at = schedule.next(from, from); !at.isAfter(to); at = schedule.next(at, at)) {
            actual.add(at);
        }

        assertThat(expected).isNotEmpty();
        assertThat(actual).isEqualTo(expected);
    }

    static Stream<Arguments> transitions() {
        List<Arguments> out = new ArrayList<>();
        List<Object[]> zones = List.of(
                new Object[] {"Europe/Zurich", "2026-01-01T00:00:00Z", 2},
                new Object[] {"America/New_York", "2026-01-01T00:00:00Z", 2},
                new Object[] {"Australia/Lord_Howe", "2026-01-01T00:00:00Z", 2},    // 30-minute shifts
                new Object[] {"America/Santiago", "2026-01-01T00:00:00Z", 2},       // at midnight
                new Object[] {"Pacific/Apia", "2011-12-01T00:00:00Z", 1});          // 30 Dec 2011 skipped
        for (Object[] z : zones) {
            ZoneId zone = ZoneId.of((String) z[0]);
            Instant at = Instant.parse((String) z[1]);
            for (int i = 0; i < (int) z[2]; i++) {
                ZoneOffsetTransition t = zone.getRules().nextTransition(at);
                at = t.getInstant();
                ZonedDateTime when = at.atZone(zone);
                out.add(Arguments.of("0 * * * *", when, Schedule.cron("0 * * * *", zone),
                        (Predicate<LocalDateTime>) l -> l.getMinute() == 0));
                out.add(Arguments.of("*/15 * * * *", when, Schedule.cron("*/15 * * * *", zone),
                        (Predicate<LocalDateTime>) l -> l.getMinute() % 15 == 0));
                out.add(Arguments.of("* * * * *", when, Schedule.cron("* * * * *", zone),
                        (Predicate<LocalDateTime>) l -> true));
                out.add(Arguments.of("0,30 0-3 * * *", when, Schedule.cron("0,30 0-3 * * *", zone),
                        (Predicate<LocalDateTime>) l -> l.getMinute() % 30 == 0 && l.getHour() <= 3));
                out.add(Arguments.of("daily 00:00 02:30 03:15 23:45", when,
                        Schedule.dailyAt(zone, LocalTime.MIDNIGHT, LocalTime.of(2, 30), LocalTime.of(3, 15), LocalTime.of(23, 45)),
                        (Predicate<LocalDateTime>) l -> List.of(LocalTime.MIDNIGHT, LocalTime.of(2, 30), LocalTime.of(3, 15),
                                LocalTime.of(23, 45)).contains(l.toLocalTime())));
                out.add(Arguments.of("daily 00:30 10:00", when,
                        Schedule.dailyAt(zone, LocalTime.of(0, 30), LocalTime.of(10, 0)),
                        (Predicate<LocalDateTime>) l -> l.toLocalTime().equals(LocalTime.of(0, 30))
                                || l.toLocalTime().equals(LocalTime.of(10, 0))));
            }
        }
        return out.stream();
    }
}
