package dev.pipelinesdk.core.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScheduleTest {

    private static final ZoneId ZURICH = ZoneId.of("Europe/Zurich");
    private static final ZoneId UTC = ZoneOffset.UTC;

    /** The instants {@code schedule} produces after {@code start}, each fed back as the next {@code after}. */
    static List<Instant> run(Schedule schedule, Instant start, int count) {
        List<Instant> out = new ArrayList<>();
        Instant at = start;
        for (int i = 0; i < count; i++) {
            at = schedule.next(at, at);
            out.add(at);
        }
        return out;
    }

    private static Instant at(String iso) {
        return Instant.parse(iso);
    }

    // --- interval

    @Test
    void every_firstRunsAtOnce_thenOnAGridThroughDue() {
        Schedule s = Schedule.every(Duration.ofHours(24), ZURICH);
        Instant due = at("2026-03-28T01:00:00Z");

        assertThat(s.first(due)).isEqualTo(due);
        assertThat(s.next(due, due)).isEqualTo(at("2026-03-29T01:00:00Z"));
        assertThat(s.next(due, at("2026-03-28T01:00:01Z"))).as("a run that took one second")
                .isEqualTo(at("2026-03-29T01:00:00Z"));
        assertThat(s.next(due, at("2026-03-30T03:00:00Z"))).as("missed slots are skipped, the grid is kept")
                .isEqualTo(at("2026-03-31T01:00:00Z"));
        assertThat(s.next(due, at("2026-03-30T01:00:00Z"))).as("strictly after, on the grid")
                .isEqualTo(at("2026-03-31T01:00:00Z"));
        assertThat(s.next(due, at("2026-03-27T00:00:00Z"))).as("after before due: one interval after due")
                .isEqualTo(at("2026-03-29T01:00:00Z"));
    }

    @Test
    void every_isExactDurationArithmetic_independentOfTheZone() {
        Schedule zurich = Schedule.every(Duration.ofHours(24), ZURICH);
        Schedule utc = Schedule.every(Duration.ofHours(24), UTC);
        Instant due = at("2026-03-28T12:00:00Z");

        assertThat(run(zurich, due, 3)).as("23 local hours apart across spring forward, still 24 h")
                .containsExactly(at("2026-03-29T12:00:00Z"), at("2026-03-30T12:00:00Z"), at("2026-03-31T12:00:00Z"))
                .isEqualTo(run(utc, due, 3));
        Schedule oddSeconds = Schedule.every(Duration.ofMillis(1500), UTC);
        assertThat(oddSeconds.next(at("2026-01-01T00:00:00Z"), at("2026-01-01T00:00:04Z")))
                .isEqualTo(at("2026-01-01T00:00:04.500Z"));
    }

    @Test
    void every_rejectsIntervalsOutOfRange() {
        assertThatThrownBy(() -> Schedule.every(Duration.ofMillis(999), UTC))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0.999S")
                .hasMessageContaining("1 s to 366 days");
        assertThatThrownBy(() -> Schedule.every(Duration.ofDays(366).plusSeconds(1), UTC))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT8784H1S");
        assertThatThrownBy(() -> Schedule.every(Duration.ofHours(-1), UTC)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Schedule.every(Duration.ofSeconds(1), UTC).describe()).isEqualTo("every 1 s");
        assertThat(Schedule.every(Duration.ofDays(366), UTC).describe()).isEqualTo("every 8784 h");
        assertThatThrownBy(() -> Schedule.every(Duration.ofHours(1), null)).isInstanceOf(NullPointerException.class)
                .hasMessage("zone");
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            PT24H      | every 24 h     | every:PT24H@Europe/Zurich
            PT36S      | every 36 s     | every:PT36S@Europe/Zurich
            PT1H30M    | every 1 h 30 min | every:PT1H30M@Europe/Zurich
            PT1H0M5S   | every 1 h 5 s  | every:PT1H5S@Europe/Zurich
            PT1.5S     | every 1.5 s    | every:PT1.5S@Europe/Zurich
            PT48H      | every 48 h     | every:PT48H@Europe/Zurich
            PT90M      | every 1 h 30 min | every:PT1H30M@Europe/Zurich
            """)
    void every_describesInHumanWords_andKeysByValue(String interval, String words, String key) {
        Schedule s = Schedule.every(Duration.parse(interval), ZURICH);

        assertThat(s.describe()).isEqualTo(words);
        assertThat(s.key()).isEqualTo(key);
        assertThat(s).hasToString(words + " (Europe/Zurich)");
    }

    @Test
    void schedules_areEqualByValue() {
        assertThat(Schedule.every(Duration.ofMinutes(90), ZURICH)).isEqualTo(Schedule.every(Duration.ofHours(1).plusMinutes(30), ZURICH));
        assertThat(Schedule.every(Duration.ofHours(1), ZURICH)).isNotEqualTo(Schedule.every(Duration.ofHours(1), UTC));
        assertThat(Schedule.dailyAt(UTC, LocalTime.of(14, 0), LocalTime.of(2, 30)))
                .isEqualTo(Schedule.dailyAt(UTC, LocalTime.of(2, 30), LocalTime.of(14, 0)))
                .isNotEqualTo(Schedule.cron("30 2,14 * * *", UTC));
        assertThat(Schedule.every(Duration.ofHours(24), UTC)).isNotEqualTo(Schedule.dailyAt(UTC, LocalTime.MIDNIGHT));
    }

    // --- daily

    @Test
    void dailyAt_sortsTimes_describesThem_andRejectsDuplicatesAndEmptiness() {
        Schedule s = Schedule.dailyAt(ZURICH, LocalTime.of(14, 0), LocalTime.of(2, 30), LocalTime.of(8, 0, 15));

        assertThat(s.describe()).isEqualTo("daily at 02:30, 08:00:15 and 14:00");
        assertThat(s.key()).isEqualTo("daily:02:30,08:00:15,14:00@Europe/Zurich");
        assertThat(Schedule.dailyAt(ZURICH, LocalTime.of(2, 30)).describe()).isEqualTo("daily at 02:30");
        assertThat(Schedule.dailyAt(ZURICH, LocalTime.of(14, 0), LocalTime.of(2, 30)).describe())
                .isEqualTo("daily at 02:30 and 14:00");
        assertThatThrownBy(() -> Schedule.dailyAt(ZURICH)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Daily schedule has no time of day; expected at least one, e.g. 02:30");
        assertThatThrownBy(() -> Schedule.dailyAt(ZURICH, LocalTime.of(2, 30), LocalTime.of(9, 0), LocalTime.of(2, 30)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Daily schedule has 02:30 twice; give each time once");
        assertThatThrownBy(() -> Schedule.dailyAt(ZURICH, LocalTime.of(2, 30), null))
                .isInstanceOf(NullPointerException.class).hasMessage("times[1]");
    }

    @Test
    void dailyAt_firstIsTheNextTimeStrictlyAfterNow_acrossTheYearEnd() {
        Schedule s = Schedule.dailyAt(ZURICH, LocalTime.of(23, 30), LocalTime.of(0, 15));

        assertThat(s.first(at("2026-12-31T22:30:00Z"))).as("now is exactly 23:30 CET: the next one")
                .isEqualTo(at("2026-12-31T23:15:00Z"));
        assertThat(run(s, at("2026-12-31T12:00:00Z"), 4)).containsExactly(
                at("2026-12-31T22:30:00Z"),  // 23:30 CET on 31 Dec
                at("2026-12-31T23:15:00Z"),  // 00:15 CET on 1 Jan
                at("2027-01-01T22:30:00Z"),
                at("2027-01-01T23:15:00Z"));
    }

    @Test
    void dailyAt_ignoresDue() {
        Schedule s = Schedule.dailyAt(UTC, LocalTime.of(6, 0));

        assertThat(s.next(at("2020-01-01T00:00:00Z"), at("2026-05-05T07:00:00Z"))).isEqualTo(at("2026-05-06T06:00:00Z"));
        assertThat(s.next(at("2030-01-01T00:00:00Z"), at("2026-05-05T05:00:00Z"))).isEqualTo(at("2026-05-05T06:00:00Z"));
    }

    // --- cron

    @Test
    void cron_acrossMonthAndYearEnds() {
        assertThat(run(Schedule.cron("0 0 1 * *", UTC), at("2026-11-15T00:00:00Z"), 3)).containsExactly(
                at("2026-12-01T00:00:00Z"), at("2027-01-01T00:00:00Z"), at("2027-02-01T00:00:00Z"));
        assertThat(run(Schedule.cron("59 23 31 * *", UTC), at("2026-04-01T00:00:00Z"), 3))
                .as("months without a 31st are skipped").containsExactly(
                at("2026-05-31T23:59:00Z"), at("2026-07-31T23:59:00Z"), at("2026-08-31T23:59:00Z"));
        assertThat(run(Schedule.cron("30 23 28-31 * *", UTC), at("2027-02-27T00:00:00Z"), 3))
                .containsExactly(at("2027-02-28T23:30:00Z"), at("2027-03-28T23:30:00Z"), at("2027-03-29T23:30:00Z"));
        assertThat(run(Schedule.cron("*/20 * * * *", ZURICH), at("2026-12-31T22:50:00Z"), 3))
                .as("23:50 CET on New Year's Eve").containsExactly(
                at("2026-12-31T23:00:00Z"), at("2026-12-31T23:20:00Z"), at("2026-12-31T23:40:00Z"));
        assertThat(run(Schedule.cron("0 12 * DEC,JAN SAT", UTC), at("2026-12-25T00:00:00Z"), 3))
                .containsExactly(at("2026-12-26T12:00:00Z"), at("2027-01-02T12:00:00Z"), at("2027-01-09T12:00:00Z"));
    }

    @Test
    void cron_leapDay_runsOnlyInLeapYears_evenAcross2100() {
        Schedule s = Schedule.cron("0 0 29 2 *", UTC);

        assertThat(run(s, at("2026-03-01T00:00:00Z"), 3)).containsExactly(
                at("2028-02-29T00:00:00Z"), at("2032-02-29T00:00:00Z"), at("2036-02-29T00:00:00Z"));
        assertThat(s.next(at("2096-02-29T00:00:00Z"), at("2096-02-29T00:00:00Z"))).as("2100 is no leap year")
                .isEqualTo(at("2104-02-29T00:00:00Z"));
    }

    @Test
    void cron_dayOfMonthAndDayOfWeekBothRestricted_matchEither() {
        Instant start = at("2026-02-01T00:00:00Z");

        assertThat(run(Schedule.cron("0 0 13 * FRI", UTC), start, 12)).as("every Friday and every 13th").containsExactly(
                at("2026-02-06T00:00:00Z"), at("2026-02-13T00:00:00Z"), at("2026-02-20T00:00:00Z"),
                at("2026-02-27T00:00:00Z"), at("2026-03-06T00:00:00Z"), at("2026-03-13T00:00:00Z"),
                at("2026-03-20T00:00:00Z"), at("2026-03-27T00:00:00Z"), at("2026-04-03T00:00:00Z"),
                at("2026-04-10T00:00:00Z"), at("2026-04-13T00:00:00Z"), at("2026-04-17T00:00:00Z"));
        assertThat(run(Schedule.cron("0 0 * * FRI", UTC), start, 3)).as("day-of-month *: Fridays only").containsExactly(
                at("2026-02-06T00:00:00Z"), at("2026-02-13T00:00:00Z"), at("2026-02-20T00:00:00Z"));
        assertThat(run(Schedule.cron("0 0 13 * *", UTC), start, 3)).as("day-of-week *: 13ths only").containsExactly(
                at("2026-02-13T00:00:00Z"), at("2026-03-13T00:00:00Z"), at("2026-04-13T00:00:00Z"));
        assertThat(run(Schedule.cron("0 0 30 2 MON", UTC), start, 2)).as("no 30 February, but Mondays").containsExactly(
                at("2026-02-02T00:00:00Z"), at("2026-02-09T00:00:00Z"));
    }

    @Test
    void cron_sundayIsZeroAndSeven_andStepsRangesAndListsCombine() {
        Instant start = at("2026-03-02T00:00:00Z"); // a Monday
        assertThat(run(Schedule.cron("0 6 * * 7", UTC), start, 2))
                .isEqualTo(run(Schedule.cron("0 6 * * 0", UTC), start, 2))
                .containsExactly(at("2026-03-08T06:00:00Z"), at("2026-03-15T06:00:00Z"));
        assertThat(run(Schedule.cron("15,45 8-10/2 * * 1-5", UTC), start, 5)).containsExactly(
                at("2026-03-02T08:15:00Z"), at("2026-03-02T08:45:00Z"), at("2026-03-02T10:15:00Z"),
                at("2026-03-02T10:45:00Z"), at("2026-03-03T08:15:00Z"));
        assertThat(Schedule.cron("@hourly", UTC).first(at("2026-03-02T10:00:00Z"))).isEqualTo(at("2026-03-02T11:00:00Z"));
        assertThat(Schedule.cron("@hourly", UTC).first(at("2026-03-02T10:00:00.001Z"))).isEqualTo(at("2026-03-02T11:00:00Z"));
        assertThat(Schedule.cron("@hourly", UTC).first(at("2026-03-02T09:59:59.999Z"))).isEqualTo(at("2026-03-02T10:00:00Z"));
    }

    @Test
    void cron_ignoresDue_andRejectsNulls() {
        Schedule s = Schedule.cron("0 2 * * *", UTC);

        assertThat(s.next(at("1999-01-01T00:00:00Z"), at("2026-05-05T03:00:00Z"))).isEqualTo(at("2026-05-06T02:00:00Z"));
        assertThatThrownBy(() -> s.next(null, Instant.EPOCH)).isInstanceOf(NullPointerException.class).hasMessage("due");
        assertThatThrownBy(() -> s.next(Instant.EPOCH, null)).isInstanceOf(NullPointerException.class).hasMessage("after");
        assertThatThrownBy(() -> Schedule.cron(null, UTC)).isInstanceOf(NullPointerException.class).hasMessage("expression");
    }
}
