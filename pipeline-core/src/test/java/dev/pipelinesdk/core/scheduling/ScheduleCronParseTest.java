package dev.pipelinesdk.core.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScheduleCronParseTest {

    private static final ZoneId ZURICH = ZoneId.of("Europe/Zurich");

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0 2 * * *                | 0 2 * * *
            * * * * *                | * * * * *
            */15 * * * *             | 0,15,30,45 * * * *
            0 9-17/2 * * MON-FRI     | 0 9,11,13,15,17 * * 1-5
            0 9-17/2 * * mon-fri     | 0 9,11,13,15,17 * * 1-5
            0 0 * * 7                | 0 0 * * 0
            0 0 * * 0-7              | 0 0 * * 0-6
            0 0 * * 5-7              | 0 0 * * 0,5,6
            0 0 * * SUN,sat          | 0 0 * * 0,6
            0 0 * * */2              | 0 0 * * 0,2,4,6
            0 0 1 jan,Jul *          | 0 0 1 1,7 *
            0 0 1 JAN-DEC *          | 0 0 1 * *
            5,7,9-11 0 * * *         | 5,7,9-11 0 * * *
            0-59/30 0-23/6 1-31 * *  | 0,30 0,6,12,18 1-31 * *
            0 0 29 2 *               | 0 0 29 2 *
            0 0 31 2,3 *             | 0 0 31 2,3 *
            0 0 30 2 1               | 0 0 30 2 1
            0 0 13 * FRI             | 0 0 13 * 5
            @hourly                  | 0 * * * *
            @DAILY                   | 0 0 * * *
            @midnight                | 0 0 * * *
            @weekly                  | 0 0 * * 0
            @monthly                 | 0 0 1 * *
            @yearly                  | 0 0 1 1 *
            @annually                | 0 0 1 1 *
            """)
    void cron_validExpression_hasCanonicalKey(String expression, String canonical) {
        Schedule schedule = Schedule.cron(expression, ZURICH);

        assertThat(schedule.key()).isEqualTo("cron:" + canonical + "@Europe/Zurich");
        assertThat(schedule.describe()).isEqualTo("cron " + expression);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            0 25 * * *        | hour 25 is out of range 0-23
            60 * * * *        | minute 60 is out of range 0-59
            0 0 0 * *         | day-of-month 0 is out of range 1-31
            0 0 32 * *        | day-of-month 32 is out of range 1-31
            0 0 * 13 *        | month 13 is out of range 1-12 or JAN-DEC
            0 0 * 0 *         | month 0 is out of range 1-12 or JAN-DEC
            0 0 * * 8         | day-of-week 8 is out of range 0-7 (0 and 7 = Sunday) or SUN-SAT
            0 99999999999 * * * | hour 99999999999 is out of range 0-23
            x * * * *         | minute "x" is not a number; expected 0-59, *, a-b, a,b, */n or a-b/n
            0 -1 * * *        | hour "-1" is not a number; expected 0-23, *, a-b, a,b, */n or a-b/n
            0 0 * FOO *       | month "FOO" is not a number or a name; expected 1-12 or JAN-DEC, *, a-b, a,b, */n or a-b/n
            0 0 * * MONDAY    | day-of-week "MONDAY" is not a number or a name; expected 0-7 (0 and 7 = Sunday) or SUN-SAT, *, a-b, a,b, */n or a-b/n
            0 0 MON * *       | day-of-month "MON" is not a number; expected 1-31, *, a-b, a,b, */n or a-b/n
            0 0 * * MON-      | day-of-week "MON-" is not a number or a name; expected 0-7 (0 and 7 = Sunday) or SUN-SAT, *, a-b, a,b, */n or a-b/n
            0 0 * * 1-2-3     | day-of-week "2-3" is not a number or a name; expected 0-7 (0 and 7 = Sunday) or SUN-SAT, *, a-b, a,b, */n or a-b/n
            */0 * * * *       | minute step 0 is out of range 1-59
            0 */24 * * *      | hour step 24 is out of range 1-23
            */a * * * *       | minute step "a" is not a number; expected */n or a-b/n with n in 1-59
            5/10 * * * *      | minute step "5/10" needs * or a range before the /, e.g. */10 or 5-59/10
            0 0 * * 5-1       | day-of-week range 5-1 is backwards; ranges do not wrap around, write 0,1,5,6
            0 22-2 * * *      | hour range 22-2 is backwards; ranges do not wrap around, write 0-2,22,23
            1,,2 * * * *      | minute "1,,2" has an empty list element; write values separated by single commas, e.g. 1,15
            0 2 * *           | has 4 fields, expected 5 (minute hour day-of-month month day-of-week) or a macro such as @daily
            0 0 2 * * *       | has 6 fields, expected 5 (minute hour day-of-month month day-of-week) or a macro such as @daily
            @reboot           | unknown macro @reboot; accepted: @hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually
            0 0 30 2 *        | day-of-month 30 never occurs in month 2, so the schedule would never run; choose days that exist in those months
            0 0 31 4,6,9,11 * | day-of-month 31 never occurs in month 4,6,9,11, so the schedule would never run; choose days that exist in those months
            """)
    void cron_invalidExpression_isRejectedInOneLineNamingFieldAndToken(String expression, String detail) {
        assertThatThrownBy(() -> Schedule.cron(expression, ZURICH))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cron \"" + expression + "\": " + detail)
                .hasMessageNotContaining("\n");
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            ''        | cron "": is empty; expected 5 fields (minute hour day-of-month month day-of-week) or a macro such as @daily
            '   '     | cron "": is empty; expected 5 fields (minute hour day-of-month month day-of-week) or a macro such as @daily
            ' 0 25  * * * ' | cron "0 25 * * *": hour 25 is out of range 0-23
            """)
    void cron_blankOrPaddedExpression_isReportedWithCollapsedWhiteSpace(String expression, String message) {
        assertThatThrownBy(() -> Schedule.cron(expression, ZURICH))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            0 2 * * MON-FRI | 0 2 * * 1-5
            0 0 * * 7       | 0 0 * * SUN
            @daily          | 0 0 * * *
            0 0 * * 0-6     | 0 0 * * SUN-SAT
            """)
    void cron_spellingsOfTheSameSchedule_areEqual(String one, String other) {
        assertThat(Schedule.cron(one, ZURICH)).isEqualTo(Schedule.cron(other, ZURICH))
                .hasSameHashCodeAs(Schedule.cron(other, ZURICH));
    }

    @ParameterizedTest(name = "[{index}] {0} vs {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0 0 * * 0-6  | 0 0 * * *
            0 0 1-31 * 1 | 0 0 * * 1
            0 2 * * *    | 0 3 * * *
            """)
    void cron_differentSchedules_areNotEqual(String one, String other) {
        assertThat(Schedule.cron(one, ZURICH)).isNotEqualTo(Schedule.cron(other, ZURICH));
        assertThat(Schedule.cron(one, ZURICH).key()).isNotEqualTo(Schedule.cron(other, ZURICH).key());
    }
}
